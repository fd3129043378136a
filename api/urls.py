from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import pages, views

app_name = "api"

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("sections", views.SectionViewSet, basename="section")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("targets", views.TargetViewSet, basename="target")
router.register("target-standings", views.TargetStandingViewSet, basename="target-standing")
router.register("task-standings", views.TaskStandingViewSet, basename="task-standing")
router.register("units", views.UnitViewSet, basename="unit")
router.register("reports", views.ReportViewSet, basename="report")
router.register("target-values", views.TargetValueViewSet, basename="target-value")
router.register("coordination-matters", views.CoordinationViewSet, basename="coordination")
router.register("notices", views.NoticeViewSet, basename="notice")

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page and its init script (?script) are both served by this view: no inline script (CSP).
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/screen/", views.ScreenView.as_view(), name="screen"),
    path("v1/", include(router.urls)),
    path("tokens/", pages.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", pages.revoke, name="token_revoke"),
]
