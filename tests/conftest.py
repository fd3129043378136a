import os

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _fast_hasher_for_class_data():
    """Personas are made in setUpTestData, which runs before any function-scoped fixture:
    set the fast hasher for the whole session so that they are hashed with it too (a PBKDF2
    hash checked under MD5 would be rehashed on the first check and end the session)."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    settings.PASSWORD_HASHERS = FAST_HASHERS
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """The locale middleware activates a request's language for the thread and leaves it so (each
    real request activates its own): a test that asked for English must not make the next test's
    commands and emails English."""
    yield
    from django.utils import translation

    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    """The slow benchmark tests run once per CI run: .ci/run sets SKIP_BENCHMARK_TESTS=1 for its
    second pass (SQLite), where they are skipped with this reason rather than run again."""
    if os.environ.get("SKIP_BENCHMARK_TESTS", "") not in ("1", "true"):
        return
    skip = pytest.mark.skip(reason="benchmark tests run once, in CI's first pass (SKIP_BENCHMARK_TESTS is set)")
    for item in items:
        if item.get_closest_marker("benchmark"):
            item.add_marker(skip)
