"""What each endpoint returns. Figures are read from the stored standings, never recomputed."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.models import UrgingNotice
from targets.models import Status, Target, TargetStanding, TargetValue, TaskStanding
from tasks.models import MonthlyReport, Plan, ProgressReport, Section, Task, TaskAssignment
from units.models import Unit


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "code", "year", "title", "document_number", "issuer", "issued_on"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "plan", "kind", "number", "numeral", "title"]


class AssignmentSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="unit.id", read_only=True)
    code = serializers.CharField(source="unit.code", read_only=True)
    name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = TaskAssignment
        fields = ["id", "code", "name", "role", "position"]


class TaskSerializer(serializers.ModelSerializer):
    units = AssignmentSerializer(source="assignments", many=True, read_only=True)

    class Meta:
        model = Task
        fields = ["id", "plan", "section", "number", "title", "text", "units"]


class TargetRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "code", "name"]


class TargetSerializer(serializers.ModelSerializer):
    reporting_unit = UnitRefSerializer(read_only=True)
    wording = serializers.CharField(read_only=True)
    tasks = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id", "plan", "code", "name", "wording", "value", "unit_of_measure", "comparison", "comparison_wording",
            "kind", "frequency", "goal_section", "tasks", "reporting_unit", "baseline", "position",
        ]


class ForecastSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=16, decimal_places=4, source="forecast_value")
    low = serializers.DecimalField(max_digits=16, decimal_places=4, source="forecast_low", allow_null=True)
    high = serializers.DecimalField(max_digits=16, decimal_places=4, source="forecast_high", allow_null=True)
    method = serializers.CharField(source="forecast_method")
    months_used = serializers.IntegerField(source="forecast_months_used", allow_null=True)
    months_left = serializers.IntegerField(source="forecast_months_left", allow_null=True)
    likely_missed = serializers.BooleanField(source="forecast_likely_missed", allow_null=True)
    completion = serializers.DecimalField(max_digits=12, decimal_places=1, source="forecast_completion",
                                          allow_null=True)
    points = serializers.DecimalField(max_digits=12, decimal_places=1, source="forecast_points", allow_null=True)
    pace_needed = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)


class TargetStandingSerializer(serializers.ModelSerializer):
    target = TargetRefSerializer(read_only=True)
    reporting_unit = UnitRefSerializer(source="target.reporting_unit", read_only=True)
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(read_only=True)
    forecast = serializers.SerializerMethodField()

    class Meta:
        model = TargetStanding
        fields = [
            "id", "plan", "target", "reporting_unit", "month", "status", "status_label", "value", "value_month",
            "due_month", "missing_due_period", "completion", "points", "expected_share", "time_progress",
            "judged_by_trend", "forecast", "last_update",
        ]

    @extend_schema_field(ForecastSerializer(allow_null=True))
    def get_forecast(self, standing):
        if standing.forecast_value is None:
            return None
        return ForecastSerializer(standing).data


class TaskRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "number", "title"]


class TaskStandingSerializer(serializers.ModelSerializer):
    task = TaskRefSerializer(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(read_only=True)
    flags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = TaskStanding
        fields = ["id", "plan", "task", "month", "status", "status_label", "flags", "behind_responsible"]


class OnTimeSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    due = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    returned = serializers.IntegerField()
    rate = serializers.CharField()


ON_TIME_FIELDS = ["due", "on_time", "late", "missing", "returned", "rate"]


class UnitSerializer(serializers.ModelSerializer):
    on_time = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "position", "on_time"]

    @extend_schema_field(OnTimeSerializer(allow_null=True))
    def get_on_time(self, unit):
        record = self.context.get("timeliness", {}).get(unit.pk)
        if record is None:
            return None
        return {"plan": self.context["plan"].pk, **{k: record[k] for k in ON_TIME_FIELDS}}


class ValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetValue
        fields = ["id", "target", "unit", "month", "value", "note", "source", "report"]


class ProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "task", "self_status", "work_done", "problems", "next_steps", "needs_coordination",
                  "coordination_matter", "coordination_closed"]


class ReportSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    values = ValueSerializer(many=True, read_only=True)
    progress = ProgressSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = ["id", "plan", "unit", "month", "status", "submitted_at", "is_late", "reviewed_at", "values",
                  "progress"]


class CoordinationSerializer(serializers.ModelSerializer):
    task = TaskRefSerializer(read_only=True)
    unit = UnitRefSerializer(source="report.unit", read_only=True)
    plan = serializers.IntegerField(source="report.plan_id", read_only=True)
    month = serializers.IntegerField(source="report.month", read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "plan", "task", "unit", "month", "coordination_matter", "problems", "coordination_closed"]


class NoticeSerializer(serializers.ModelSerializer):
    """An urging notice (督办通知): its number, what is asked and by when, where it stands."""

    number = serializers.CharField(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    target = TargetRefSerializer(read_only=True, allow_null=True)
    subject = serializers.CharField(read_only=True)
    escalated_from = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = UrgingNotice
        fields = ["id", "plan", "number", "kind", "cause", "subject", "unit", "month", "target", "request",
                  "issued_on", "deadline", "status", "signed_at", "reply", "promised_on", "replied_at", "closed_at",
                  "escalated_from"]


class StatusCountSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Status.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class ScreenTaskSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()


class ScreenLateUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    state = serializers.CharField(help_text="tasks.reporting.SubmissionState")
    state_label = serializers.CharField()


class ScreenForecastSerializer(serializers.Serializer):
    """A target likely to be missed: its stored forecast with its range, and the sentence the pages use."""

    code = serializers.CharField(source="target.code")
    name = serializers.CharField(source="target.name")
    wording = serializers.CharField(source="target.wording")
    unit_of_measure = serializers.CharField(source="target.unit_of_measure")
    value = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    value_month = serializers.IntegerField(allow_null=True)
    forecast = ForecastSerializer(source="*")
    statement = serializers.SerializerMethodField()

    def get_statement(self, standing) -> str:
        return standing.forecast.statement(standing.target)


class ScreenMonthSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    statuses = StatusCountSerializer(many=True)


class ScreenSerializer(serializers.Serializer):
    """The command-room screen at a month: the overview's figures (targets.screen.screen_figures)."""

    plan = PlanSerializer()
    month = serializers.IntegerField()
    as_of = serializers.CharField(help_text="截至N月底")
    time_progress = serializers.DecimalField(max_digits=6, decimal_places=1)
    generated_at = serializers.DateTimeField()
    refresh_seconds = serializers.IntegerField()
    target_total = serializers.IntegerField()
    targets = StatusCountSerializer(many=True)
    missing = serializers.IntegerField(help_text="targets judged by an earlier month's figure")
    task_total = serializers.IntegerField()
    tasks = StatusCountSerializer(many=True)
    behind_tasks = ScreenTaskSerializer(many=True)
    late_units = ScreenLateUnitSerializer(many=True)
    likely_missed_count = serializers.IntegerField()
    likely_missed = ScreenForecastSerializer(many=True)
    trend = ScreenMonthSerializer(many=True)
