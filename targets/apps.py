from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("指标")

    def ready(self):
        # The stored standings follow every change the write path announces (tasks/signals.py);
        # imported here, as Django asks, because models are not ready when apps.py loads.
        from targets import standing_store
        from tasks.signals import approved_data_changed, plan_data_changed

        approved_data_changed.connect(standing_store.on_approved_data_changed, dispatch_uid="standings-units")
        plan_data_changed.connect(standing_store.on_plan_data_changed, dispatch_uid="standings-plan")
