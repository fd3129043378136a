"""The batch save of an uploaded month (reporting/services/batch.py) at its edges: the history's 修改人
when no web request is there to name it (import_progress), the unit's own month and rows only (not
April's, not another unit's), a suspect figure held to the form's rule, progress changed since the
preview, every refused task named at once, the file's queries, and the batch's own refusal of another
unit's task or target."""

import io
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reporting import services
from reports.upload.read import PROGRESS_SHEET, VALUES_SHEET, build_template
from targets.models import Target, TargetValue
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import tasks_for_unit
from tests.personas import PersonasTestCase
from tests.test_upload import UploadTestCase, database_state, row_of, workbook_bytes


class ImportedHistoryNamesTheUserTests(PersonasTestCase):
    """import_progress runs outside a request: the history's 修改人 is the --user given, for a new
    row and for a changed one, for values and for progress alike."""

    def setUp(self):
        self.directory = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.directory, ignore_errors=True)
        self.t26 = Target.objects.get(plan=self.plan, code="T26")
        self.t10 = Target.objects.get(plan=self.plan, code="T10")

    def template_file(self, name, values, progress=None):
        wb = load_workbook(io.BytesIO(build_template(self.plan, self.kjj, 5)))
        ws = wb[VALUES_SHEET]
        for code, figure in values.items():
            ws[f"F{row_of(ws, code)}"] = figure
        ws = wb[PROGRESS_SHEET]
        for number, cells in (progress or {}).items():
            for letter, text in cells.items():
                ws[f"{letter}{row_of(ws, number)}"] = text
        path = self.directory / name
        wb.save(path)
        return path

    def import_file(self, path):
        out = io.StringIO()
        call_command("import_progress", str(path), "--month", "2023-05", "--unit", "kjj", "--user", "staff",
                     stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def history_page(self):
        report = MonthlyReport.objects.get(plan=self.plan, unit=self.kjj, month=5)
        self.client.force_login(self.staff)
        return self.client.get(f"/reporting/{report.pk}/history/")

    def test_it_names_the_user_for_new_and_changed_rows(self):
        progress = {1: {"C": "召开推进会 3 次", "F": "正常推进", "G": "否"}}
        self.import_file(self.template_file("first.xlsx", {"T26": 12400}, progress))
        progress = {1: {"C": "召开推进会 4 次", "F": "正常推进", "G": "否"}}
        out = self.import_file(self.template_file("second.xlsx", {"T26": 12600, "T10": 400}, progress))
        self.assertIn("已保存 3 处修改", out)
        t26 = TargetValue.objects.get(target=self.t26, unit=self.kjj, month=5)
        self.assertEqual((t26.value, t26.version, t26.updated_by), (Decimal("12600"), 2, self.staff))
        task1 = ProgressReport.objects.get(report__unit=self.kjj, report__month=5, task__number=1)
        self.assertEqual((task1.work_done, task1.version, task1.updated_by), ("召开推进会 4 次", 2, self.staff))
        page = self.history_page()
        values = [(r["label"], r["record"].version, r["record"].history_user) for r in page.context["value_rows"]]
        self.assertCountEqual(values, [
            (self.t26.name, 1, self.staff), (self.t26.name, 2, self.staff), (self.t10.name, 1, self.staff),
        ])
        progress_rows = [(r["record"].version, r["record"].history_user) for r in page.context["progress_rows"]]
        self.assertEqual(sorted(progress_rows), [(1, self.staff), (2, self.staff)])
        self.assertContains(page, "<td>staff</td>", count=5)  # 修改人 of the 3 value and 2 progress versions


class UploadTouchesOnlyItsOwnMonthAndUnitTests(UploadTestCase):
    """The rows an upload changes are the unit's rows of the month uploaded: another month's figure of
    the same target, or another unit's figure of it, is neither changed nor taken for this one."""

    def setUp(self):
        self.login(self.kjj_liaison)

    def test_it_leaves_aprils_figure_alone_when_may_is_uploaded(self):
        april = services.get_or_create_report(self.plan, self.kjj, 4)
        services.save_target_value(april, self.t26, value="12000", user=self.kjj_liaison)
        response = self.upload(workbook_bytes(self.filled(values={"T26": {"F": 12400}})))
        changes = [(c.field, c.old, c.new) for c in response.context["preview"].changes]
        self.assertEqual(changes, [("本月数值", "", "12,400")])
        self.assertRedirects(self.confirm(response), reverse("reports:upload"))
        self.assertEqual(
            sorted(TargetValue.objects.filter(target=self.t26).values_list("month", "value", "version")),
            [(4, Decimal("12000"), 1), (5, Decimal("12400"), 1)],
        )

    def test_it_keeps_another_units_figure_of_a_target_moved_since(self):
        # T10 was 市经信局's until the plan gave it to 市科技局: 市经信局's May figure stays, as its own.
        Target.objects.filter(pk=self.t10.pk).update(reporting_unit=self.jxj)
        services.save_target_value(
            services.get_or_create_report(self.plan, self.jxj, 5), Target.objects.get(pk=self.t10.pk),
            value="300", user=self.jxj_liaison,
        )
        Target.objects.filter(pk=self.t10.pk).update(reporting_unit=self.kjj)
        response = self.upload(workbook_bytes(self.filled(values={"T10": {"F": "520.5"}})))
        self.assertEqual([(c.field, c.old, c.new) for c in response.context["preview"].changes],
                         [("本月数值", "", "520.5")])
        self.assertRedirects(self.confirm(response), reverse("reports:upload"))
        self.assertEqual(
            sorted(TargetValue.objects.filter(target=self.t10).values_list("unit__code", "value", "version")),
            [("jxj", Decimal("300"), 1), ("kjj", Decimal("520.5"), 1)],
        )


class UploadedSuspectFigureTests(UploadTestCase):
    """A suspect figure in the file is held to the form's rule: refused without a note, saved and flagged
    with one. 市科技局's 技术合同成交额 (T10, 年度累计) was 520.5 亿元 in April, approved."""

    def setUp(self):
        self.login(self.kjj_liaison)
        april = MonthlyReport.objects.create(
            plan=self.plan, unit=self.kjj, month=4, status=MonthlyReport.Status.APPROVED, submitted_at=timezone.now(),
        )
        TargetValue.objects.create(target=self.t10, unit=self.kjj, report=april, month=4, value=Decimal("520.5"))

    def test_it_refuses_a_cumulative_figure_below_april_without_a_note(self):
        wb = self.filled(values={"T10": {"F": 480}})
        row = row_of(wb[VALUES_SHEET], "T10")
        response = self.upload(workbook_bytes(wb))
        self.assertEqual(self.errors_of(response), [
            f"工作表“{VALUES_SHEET}” 第 {row} 行 G 列（说明）：此数值可能有误：累计值低于4月的 520.5：全年累计不会减少。"
            "如确认无误，请在“说明”中写明原因后再保存。"
        ])
        self.assertIsNone(response.context["preview"])
        self.assertFalse(TargetValue.objects.filter(month=5).exists())

    def test_it_saves_it_with_a_note_and_flags_it_on_the_report(self):
        wb = self.filled(values={"T10": {"F": 480, "G": "4月数据含重复登记合同，已按统计局口径更正。"}})
        self.confirm(self.upload(workbook_bytes(wb)))
        value = TargetValue.objects.get(target=self.t10, unit=self.kjj, month=5)
        self.assertEqual((value.value, value.suspect), (Decimal("480"), ["累计值低于4月的 520.5：全年累计不会减少。"]))
        page = self.client.get(f"/reporting/{value.report_id}/")
        self.assertContains(page, "存疑：累计值低于4月的 520.5：全年累计不会减少。")


PROGRESS = {1: {"C": "召开推进会 3 次", "F": "正常推进", "G": "否"}}
ON_TRACK = {
    "work_done": "四月召开推进会 2 次", "problems": "", "next_steps": "", "self_status": "on_track",
    "needs_coordination": False, "coordination_matter": "",
}


class UploadedProgressTests(UploadTestCase):
    def setUp(self):
        self.login(self.kjj_liaison)

    def test_it_leaves_aprils_progress_alone_when_may_is_uploaded(self):
        april = services.get_or_create_report(self.plan, self.kjj, 4)
        services.save_progress(april, self.task1, **ON_TRACK, user=self.kjj_liaison)
        response = self.upload(workbook_bytes(self.filled(progress=PROGRESS)))
        self.assertIn(("工作进展", "", "召开推进会 3 次"),
                      [(c.field, c.old, c.new) for c in response.context["preview"].changes])
        self.assertRedirects(self.confirm(response), reverse("reports:upload"))
        self.assertEqual(
            sorted(ProgressReport.objects.filter(task=self.task1).values_list("report__month", "work_done", "version")),
            [(4, "四月召开推进会 2 次", 1), (5, "召开推进会 3 次", 1)],
        )

    def test_it_does_not_overwrite_progress_changed_between_preview_and_confirm(self):
        may = services.get_or_create_report(self.plan, self.kjj, 5)
        services.save_progress(may, self.task1, **ON_TRACK, user=self.kjj_liaison)
        response = self.upload(workbook_bytes(self.filled(progress=PROGRESS)))
        self.assertTrue(response.context["preview"].has_changes)
        services.save_progress(may, self.task1, **{**ON_TRACK, "work_done": "市科技局代为更正"}, user=self.staff)
        before = database_state()
        response = self.confirm(response)
        row = row_of(self.download()[PROGRESS_SHEET], 1)
        self.assertEqual(self.errors_of(response),
                         [f"工作表“{PROGRESS_SHEET}” 第 {row} 行 A 列（序号）：该任务进展已被他人修改，请刷新后重试。"])
        self.assertEqual(database_state(), before)
        progress = ProgressReport.objects.get(report=may, task=self.task1)
        self.assertEqual((progress.work_done, progress.version), ("市科技局代为更正", 2))

    def test_it_names_every_refused_task_at_once_and_saves_nothing(self):
        wb = self.filled(progress={
            1: {"C": "召开推进会 3 次", "F": "进度滞后", "G": "否"},  # behind: 存在问题 required
            2: {"C": "完成调研", "F": "正常推进", "G": "是"},  # 需市级协调 without 协调事项
            3: {"C": "按计划推进", "F": "正常推进", "G": "否"},
        })
        ws = wb[PROGRESS_SHEET]
        before = database_state()
        response = self.upload(workbook_bytes(wb))
        self.assertEqual(self.errors_of(response), [
            f"工作表“{PROGRESS_SHEET}” 第 {row_of(ws, 1)} 行 D 列（存在问题）：进度滞后或指标落后于时间进度时，须填写存在问题。",
            f"工作表“{PROGRESS_SHEET}” 第 {row_of(ws, 2)} 行 H 列（协调事项）：勾选需市级协调时，须填写协调事项。",
        ])
        self.assertIsNone(response.context["preview"])
        self.assertEqual(database_state(), before)

    def test_it_checks_tasks_without_problems_in_the_queries_of_one(self):
        # 存在问题 left empty on track: whether it is required (a figure behind) is asked once for the file.
        tasks = list(tasks_for_unit(self.plan, self.kjj))
        self.assertGreaterEqual(len(tasks), 5)

        def queries_of(numbers):
            wb = self.download()
            ws = wb[PROGRESS_SHEET]
            for number in numbers:
                row = row_of(ws, number)
                ws[f"C{row}"], ws[f"F{row}"], ws[f"G{row}"] = f"任务 {number} 本月推进", "正常推进", "否"
            with CaptureQueriesContext(connection) as preview:
                response = self.upload(workbook_bytes(wb))
            self.assertEqual(self.errors_of(response), [])
            with CaptureQueriesContext(connection) as confirmation:
                self.confirm(response)
            return len(preview), len(confirmation)

        one = queries_of([tasks[0].number])
        MonthlyReport.objects.filter(unit=self.kjj, month=5).delete()
        self.assertEqual(queries_of([task.number for task in tasks]), one)
        self.assertEqual(ProgressReport.objects.filter(report__unit=self.kjj, report__month=5, problems="").count(),
                         len(tasks))


class BatchRefusesAnotherUnitsRowsTests(UploadTestCase):
    """The batch's own guard, for a caller that did not check first: a task or a target of another unit
    is refused in its row, in words, and not written; the unit's own rows are."""

    def test_it_refuses_another_units_task_and_target_and_writes_the_rest(self):
        report = services.get_or_create_report(self.plan, self.jxj, 5)
        task7 = self.plan.tasks.get(number=7)  # 市经信局 leads task 7; task 1 and T26 are 市科技局's
        result = services.save_month_entries(
            report, user=self.jxj_liaison,
            values=[services.ValueEntry("T26", self.t26, "12400")],
            progress=[services.ProgressEntry(1, self.task1, dict(ON_TRACK)), services.ProgressEntry(7, task7, dict(ON_TRACK))],
        )
        self.assertEqual({key: str(error) for key, error in result.errors.items()},
                         {"T26": "该指标不由本单位报送。", 1: "该任务不由本单位报送。"})
        self.assertEqual(list(result.saved), [7])
        self.assertFalse(TargetValue.objects.exists())
        self.assertEqual(list(ProgressReport.objects.values_list("report__unit__code", "task__number")), [("jxj", 7)])
