from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Development tools: bench, loadtest, generate_scale_data. Installed only with DEV_TOOLS
    (on by default with DEBUG and in the tests), never in production."""

    name = "benchmarks"
    verbose_name = "性能测试工具"
