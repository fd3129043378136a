"""An upload checks and saves the whole file in a constant number of queries: a file of every target
and task of the unit costs what a file of one row costs, and writes each row with its history."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.upload.read import PROGRESS_SHEET, VALUES_SHEET
from targets.models import TargetValue
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import targets_for_unit, tasks_for_unit
from tests.test_upload import UploadTestCase, row_of, workbook_bytes

MONTH = 5


class UploadQueriesTests(UploadTestCase):
    def setUp(self):
        self.login(self.kjj_liaison)
        self.targets = list(targets_for_unit(self.plan, self.kjj, MONTH))
        self.tasks = list(tasks_for_unit(self.plan, self.kjj))

    def fill(self, targets, tasks, figure="1"):
        """The unit's template with `figure` for each of `targets` and a line of progress for each of `tasks`."""
        wb = self.download(MONTH)
        ws = wb[VALUES_SHEET]
        for target in targets:
            ws[f"F{row_of(ws, target.code)}"] = figure
        ws = wb[PROGRESS_SHEET]
        for task in tasks:
            row = row_of(ws, task.number)
            ws[f"C{row}"] = f"任务 {task.number} 本月推进"
            ws[f"D{row}"] = "部分指标落后于时间进度"  # figures of 1 or 2 are behind: 存在问题 is required
            ws[f"F{row}"] = "正常推进"
            ws[f"G{row}"] = "否"
        return workbook_bytes(wb)

    def queries_of(self, content):
        """(queries of the preview, queries of the confirmation)."""
        with CaptureQueriesContext(connection) as preview:
            response = self.upload(content)
        self.assertEqual(self.errors_of(response), [])
        with CaptureQueriesContext(connection) as confirmation:
            self.confirm(response)
        return len(preview), len(confirmation)

    def test_it_saves_a_full_file_in_the_queries_of_a_one_row_file(self):
        self.assertGreaterEqual(len(self.targets), 10)  # 市科技局 reports most of the plan's targets
        self.assertGreaterEqual(len(self.tasks), 5)
        one_row = self.queries_of(self.fill(self.targets[:1], self.tasks[:1]))
        MonthlyReport.objects.filter(unit=self.kjj, month=MONTH).delete()  # and its values and progress
        full = self.queries_of(self.fill(self.targets, self.tasks))
        self.assertEqual(full, one_row)
        self.assertEqual(TargetValue.objects.filter(unit=self.kjj, month=MONTH).count(), len(self.targets))
        self.assertEqual(ProgressReport.objects.filter(report__unit=self.kjj, report__month=MONTH).count(), len(self.tasks))

    def test_a_second_full_file_updates_every_row_in_the_same_queries_with_its_history(self):
        self.queries_of(self.fill(self.targets, self.tasks, figure="1"))
        one_changed = self.queries_of(self.fill(self.targets[:1], [], figure="2"))
        all_changed = self.queries_of(self.fill(self.targets, self.tasks, figure="3"))
        self.assertEqual(all_changed, one_changed)
        first, *others = TargetValue.objects.filter(unit=self.kjj, month=MONTH).order_by("target__position", "target__code")
        self.assertEqual(
            [(h.history_type, str(h.value.normalize()), h.history_user) for h in first.history.order_by("history_date")],
            [("+", "1", self.kjj_liaison), ("~", "2", self.kjj_liaison), ("~", "3", self.kjj_liaison)],
        )
        self.assertEqual(first.version, 3)
        for value in others:
            self.assertEqual((str(value.value.normalize()), value.version, value.history.count()), ("3", 2, 2))
