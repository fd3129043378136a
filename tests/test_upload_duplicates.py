"""One upload, one row per target and per task: a second row for the same target (or task) is
refused with the sheet and both row numbers, and nothing is saved — not the first row either."""

from reporting import services
from reports.upload.read import PROGRESS_SHEET, VALUES_SHEET
from targets.models import TargetValue
from tasks.models import ProgressReport
from tests.test_upload import UploadTestCase, database_state, row_of, workbook_bytes
from units.models import AuditEvent


class DuplicateRowTests(UploadTestCase):
    def setUp(self):
        self.login(self.kjj_liaison)
        report = services.get_or_create_report(self.plan, self.kjj, 5)
        services.save_target_value(report, self.t10, value="300", user=self.kjj_liaison)

    def copy_row(self, ws, key, **cells):
        """Append a copy of `key`'s row under the sheet's last row, with `cells` {letter: value} changed."""
        source, target = row_of(ws, key), ws.max_row + 1
        for column in range(1, ws.max_column + 1):
            ws.cell(row=target, column=column).value = ws.cell(row=source, column=column).value
        for letter, value in cells.items():
            ws[f"{letter}{target}"] = value
        return source, target

    def assert_refused_with(self, content, message):
        before = database_state()
        response = self.upload(content)
        self.assertEqual(response.status_code, 200)
        errors = self.errors_of(response)
        self.assertEqual(errors, [message])
        self.assertContains(response, message.split("：", 1)[1])
        self.assertIsNone(response.context["preview"])
        self.assertIsNone(self.client.session.get("reports.pending_upload"))
        self.assertEqual(database_state(), before)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.UPLOAD).exists())

    def test_a_target_given_twice_is_refused_naming_both_rows(self):
        wb = self.filled(values={"T10": {"F": "520.5"}})
        first, second = self.copy_row(wb[VALUES_SHEET], "T10", F="600")
        self.assertLess(first, second)
        self.assert_refused_with(
            workbook_bytes(wb),
            f"工作表“{VALUES_SHEET}” 第 {second} 行 A 列（编号）："
            f"指标 T10 在工作表“{VALUES_SHEET}”第 {first} 行和第 {second} 行重复出现，"
            "每个指标只能填一行，请删除其中一行。",
        )
        # Neither 520.5 nor 600 replaced the saved 300: the last row does not win.
        self.assertEqual(TargetValue.objects.get(target=self.t10, month=5).value, 300)

    def test_a_target_given_twice_with_the_same_figure_is_refused_too(self):
        wb = self.filled(values={"T10": {"F": "520.5"}})
        first, second = self.copy_row(wb[VALUES_SHEET], "T10")
        self.assert_refused_with(
            workbook_bytes(wb),
            f"工作表“{VALUES_SHEET}” 第 {second} 行 A 列（编号）："
            f"指标 T10 在工作表“{VALUES_SHEET}”第 {first} 行和第 {second} 行重复出现，"
            "每个指标只能填一行，请删除其中一行。",
        )

    def test_a_task_given_twice_is_refused_naming_both_rows(self):
        progress = {1: {"C": "召开推进会 3 次", "F": "正常推进", "G": "否"}}
        wb = self.filled(progress=progress)
        first, second = self.copy_row(wb[PROGRESS_SHEET], 1, C="召开推进会 4 次")
        self.assert_refused_with(
            workbook_bytes(wb),
            f"工作表“{PROGRESS_SHEET}” 第 {second} 行 A 列（序号）："
            f"任务 1 在工作表“{PROGRESS_SHEET}”第 {first} 行和第 {second} 行重复出现，"
            "每项任务只能填一行，请删除其中一行。",
        )
        self.assertFalse(ProgressReport.objects.exists())

    def test_the_same_file_without_the_copy_is_accepted(self):
        # The refusals above are the duplicates': the file they were made from previews its change.
        response = self.upload(workbook_bytes(self.filled(values={"T10": {"F": "520.5"}})))
        self.assertEqual(self.errors_of(response), [])
        changes = [(c.row, c.field, c.old, c.new) for c in response.context["preview"].changes]
        row = row_of(self.download()[VALUES_SHEET], "T10")
        self.assertEqual(changes, [(row, "本月数值", "300", "520.5")])
