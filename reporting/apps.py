from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Monthly reporting: the one write path (services.py), its forms, the liaison's and the
    bureau's pages, evidence files and the history. Its models are still tasks' (MonthlyReport,
    ProgressReport, EvidenceFile) and targets' (TargetValue): moving them needs migrations."""

    name = "reporting"
    verbose_name = _("月度报送")
