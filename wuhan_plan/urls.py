from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from api import screen
from wuhan_plan import health

admin.site.site_header = "武汉市科技创新工作要点调度系统 · 管理"
admin.site.site_title = "调度系统管理"

urlpatterns = [
    path("", include("targets.urls.overview")),
    path("accounts/", include("units.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("targets/", include("targets.urls.targets")),
    path("tasks/", include("targets.urls.tasks")),
    path("units/", include("targets.urls.units")),
    path("plans/", include("targets.urls.plans")),
    path("reporting/", include("reporting.urls")),
    path("reports/reminders/", include("reports.reminders.urls")),
    path("reports/supervision/", include("reports.supervision.urls")),
    path("reports/instructions/", include("reports.instructions.urls")),
    path("reports/assessment/", include("reports.assessment.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("screen/", screen.screen, name="screen"),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every first load, pages that name no icon (the admin) too.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True,
                                             http_method_names=["get", "head"]), name="favicon"),
    path("admin/", admin.site.urls),
]
