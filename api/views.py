"""The read-only JSON API (/api/v1/): every queryset through the pages' access rules (units/access.py),
every figure from the stored standings (targets/standing_queries.py), a constant number of queries
per page (select_related / prefetch_related)."""

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api import filters, serializers
from api.access import reads_published_only
from api.authentication import ApiTokenAuthentication, KioskSessionAuthentication
from reports.models import UrgingNotice
from targets.asof import AsOf, default_month
from targets.dashboard import submission_grid
from targets.models import Target, TargetStanding, TargetValue, TaskStanding
from targets.screen import screen_figures
from targets.standing_queries import open_coordination
from tasks.models import MonthlyReport, Plan, ProgressReport, Section, Task, TaskAssignment
from tasks.on_time import PLAN_MONTHS
from tasks.reporting import reporting_unit_ids, reporting_units
from units.access import has_role
from units.models import Unit

# How often the screen reads its figures again: every few minutes, and well within the session's
# idle timeout, which each read renews (a kiosk session would otherwise lapse between two reads).
SCREEN_REFRESH_SECONDS = min(300, settings.SESSION_IDLE_MINUTES * 30)


def _readable(queryset, user):
    """What has no unit of its own (the plan, its sections, units): every role reads it, no one else."""
    return queryset if has_role(user) else queryset.none()


def _plan_from(request):
    """The plan named by ?plan= (an id), else the current plan; None when there is none."""
    raw = request.query_params.get("plan", "").strip()
    if not raw:
        return Plan.current()
    if not raw.isdigit():
        raise ValidationError({"plan": ["plan must be the id of a plan"]})
    return Plan.objects.filter(pk=int(raw)).first()


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.PlanSerializer
    filterset_fields = ["year", "code"]

    def get_queryset(self):
        return _readable(Plan.objects.order_by("-year", "code"), self.request.user)


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SectionSerializer
    filterset_class = filters.SectionFilter

    def get_queryset(self):
        return _readable(Section.objects.order_by("plan", "kind", "number"), self.request.user)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Tasks with their lead (牵头) and responsible (责任) units in the plan's order."""

    serializer_class = serializers.TaskSerializer
    filterset_class = filters.TaskFilter

    def get_queryset(self):
        assignments = TaskAssignment.objects.select_related("unit").order_by("role", "position")
        return (
            Task.objects.for_user(self.request.user)
            .prefetch_related(Prefetch("assignments", queryset=assignments))
            .order_by("plan", "number")
        )


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilter

    def get_queryset(self):
        return (
            Target.objects.for_user(self.request.user)
            .select_related("reporting_unit")
            .prefetch_related(Prefetch("tasks", queryset=Task.objects.only("id")))
            .order_by("plan", "position", "code")
        )


class TargetStandingViewSet(viewsets.ReadOnlyModelViewSet):
    """A target's stored standing at a month: status, the value shown and its month, completion,
    time progress, the forecast with its range. Approved figures only: public to every role."""

    serializer_class = serializers.TargetStandingSerializer
    filterset_class = filters.TargetStandingFilter

    def get_queryset(self):
        return (
            TargetStanding.objects.filter(target__in=Target.objects.for_user(self.request.user))
            .select_related("target__reporting_unit")
            .order_by("plan", "month", "target__position", "target__code")
        )


class TaskStandingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.TaskStandingSerializer
    filterset_class = filters.TaskStandingFilter

    def get_queryset(self):
        return (
            TaskStanding.objects.filter(task__in=Task.objects.for_user(self.request.user))
            .select_related("task")
            .order_by("plan", "month", "task__number")
        )


PLAN_PARAMETER = OpenApiParameter(
    "plan", OpenApiTypes.INT, description="the plan (id) whose figures are shown; default: the current plan",
)


@extend_schema_view(list=extend_schema(parameters=[PLAN_PARAMETER]),
                    retrieve=extend_schema(parameters=[PLAN_PARAMETER]))
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units with their on-time record (按时报送率) for a plan: tasks.on_time.timeliness through
    targets.dashboard.submission_grid, the pages' one rule; null for a unit that does not report."""

    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter

    def get_queryset(self):
        return _readable(Unit.objects.order_by("position", "code"), self.request.user)

    def get_serializer(self, *args, **kwargs):
        if args and not kwargs.get("context"):
            units = list(args[0]) if kwargs.get("many") else [args[0]]
            plan = _plan_from(self.request)
            timeliness = {}
            if plan is not None:
                reporting = reporting_unit_ids(plan)
                own = [u for u in units if u.pk in reporting]
                _grid, timeliness = submission_grid(plan, own, [], rate_months=PLAN_MONTHS)
            kwargs["context"] = {**self.get_serializer_context(), "plan": plan, "timeliness": timeliness}
            args = (units if kwargs.get("many") else units[0], *args[1:])
        return super().get_serializer(*args, **kwargs)


class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly reports with their values and progress, scoped as the pages are: a liaison sees its own
    unit's reports (drafts included) and no other unit's; staff and leaders see every unit's; a
    token sees every unit's approved reports and nothing else (api/access.py)."""

    serializer_class = serializers.ReportSerializer
    filterset_class = filters.ReportFilter

    def get_queryset(self):
        reports = MonthlyReport.objects.for_user(self.request.user)
        if reads_published_only(self.request.user):
            reports = reports.filter(status=MonthlyReport.Status.APPROVED)
        return (
            reports
            .select_related("unit")
            .prefetch_related(
                Prefetch("values", queryset=TargetValue.objects.order_by("target__position", "target__code")),
                Prefetch("progress", queryset=ProgressReport.objects.order_by("task__number")),
            )
            .order_by("plan", "month", "unit__position", "unit__code")
        )


class TargetValueViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly figures by unit: every approved figure (public to every role, as on the pages) and,
    for a signed-in user, the figures not yet approved it sees on the pages (a liaison its own
    unit's; staff and leaders every unit's). A token reads the approved ones only."""

    serializer_class = serializers.ValueSerializer
    filterset_class = filters.ValueFilter

    def get_queryset(self):
        user = self.request.user
        if not has_role(user):
            return TargetValue.objects.none()
        values = TargetValue.objects.approved()
        if not reads_published_only(user):
            values = TargetValue.objects.for_user(user) | values
        return values.order_by("target__plan", "month", "target__position", "unit")


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Urging notices (催办单 / 督办单), open ones by default (api.filters.NoticeFilter), scoped as the
    pages are: a liaison sees its own unit's, staff, leaders and tokens every unit's."""

    serializer_class = serializers.NoticeSerializer
    filterset_class = filters.NoticeFilter

    def get_queryset(self):
        return (
            UrgingNotice.objects.for_user(self.request.user)
            .select_related("plan", "unit", "target")
            .order_by("-issued_on", "-id")
        )


MONTH_PARAMETER = OpenApiParameter(
    "month", OpenApiTypes.INT, enum=list(range(1, 13)),
    description="matters open at this month's end; default: the dashboard's month",
)


@extend_schema_view(list=extend_schema(parameters=[PLAN_PARAMETER, MONTH_PARAMETER]),
                    retrieve=extend_schema(parameters=[PLAN_PARAMETER, MONTH_PARAMETER]))
class CoordinationViewSet(viewsets.ReadOnlyModelViewSet):
    """Open coordination matters (需市级协调, not closed) of approved progress reports up to the month:
    targets.standing_queries.open_coordination, as the overview lists them."""

    serializer_class = serializers.CoordinationSerializer
    filterset_class = filters.CoordinationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) or not has_role(self.request.user):
            return ProgressReport.objects.none()
        plan = _plan_from(self.request)
        if plan is None:
            return ProgressReport.objects.none()
        raw = self.request.query_params.get("month", "").strip()
        if raw:
            if not raw.isdigit() or not 1 <= int(raw) <= 12:
                raise ValidationError({"month": ["month must be a whole number from 1 to 12"]})
            month = int(raw)
        else:
            month, _reason = default_month(plan)
        return open_coordination(plan, month).select_related("report__unit", "task")


@extend_schema(parameters=[OpenApiParameter(
    "month", OpenApiTypes.INT, enum=list(range(1, 13)),
    description="the month shown; default: the overview's default month (targets.asof)",
)])
class ScreenView(generics.GenericAPIView):
    """The command-room screen (/screen/) in one request: the overview's figures for the current plan
    at a month (targets.screen.screen_figures, from the stored standings; a constant number of
    queries), the late units, the targets likely to be missed with their forecast range, and the
    month-by-month status mix. The one endpoint a kiosk token reads."""

    kiosk_readable = True
    authentication_classes = [ApiTokenAuthentication, SessionAuthentication, KioskSessionAuthentication]
    serializer_class = serializers.ScreenSerializer
    pagination_class = None
    filter_backends = []

    def get(self, request):
        plan = Plan.current()
        if plan is None:
            raise NotFound()
        units = list(reporting_units(plan))
        default, reason = default_month(plan)
        raw = request.query_params.get("month", "").strip()
        if raw and not (raw.isdigit() and 1 <= int(raw) <= 12):
            raise ValidationError({"month": ["month must be a whole number from 1 to 12"]})
        as_of = AsOf(month=int(raw) if raw else default, default_month=default, default_reason=reason)
        figures = screen_figures(plan, as_of.month, units)
        data = {
            **figures,
            "plan": plan,
            "month": as_of.month,
            "as_of": str(as_of.label),
            "time_progress": as_of.time_progress,
            "generated_at": timezone.now(),
            "refresh_seconds": SCREEN_REFRESH_SECONDS,
            "behind_tasks": [
                {"number": task.number, "title": task.title, "status": status.value, "status_label": status.label}
                for task, status in figures["behind_tasks"]
            ],
            "late_units": [
                {"code": unit.code, "name": unit.name, "state": state.value, "state_label": label}
                for unit, (state, label) in figures["late_units"]
            ],
            "trend": [{"month": month, "statuses": cards} for month, cards in figures["trend"]],
        }
        return Response(self.get_serializer(data).data)
