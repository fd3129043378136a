"""The one Redis database the tests may use.

`.ci/run` sets TEST_REDIS_URL and CELERY_BROKER_URL to the same database; a test that needs Redis
reads it here and nowhere else: no database number is written in a test, and nothing is flushed
but that database (the real-worker tests `--purge` its queue). Without either variable a test
that needs Redis is skipped locally (fails under CI=true) rather than pick a database of its own
on a Redis that other programs share.
"""

import os

import redis


def configured_redis_url():
    """TEST_REDIS_URL, else CELERY_BROKER_URL when that is a Redis URL; None when neither is set."""
    url = os.environ.get("TEST_REDIS_URL", "").strip()
    if url:
        return url
    broker = os.environ.get("CELERY_BROKER_URL", "").strip()
    if broker.startswith(("redis://", "rediss://")):
        return broker
    return None


def redis_is_reachable(url):
    if not url:
        return False
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError:
        return False


def unavailable_reason(url):
    """Why the configured Redis cannot be used, or "" when it answers."""
    if not url:
        return "no Redis configured: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15, a database nothing else uses)"
    if not redis_is_reachable(url):
        return f"Redis is not reachable at {url}"
    return ""
