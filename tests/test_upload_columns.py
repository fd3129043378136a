"""What the upload reads from the progress sheet's two choice columns (自评状态, 需市级协调), and the
message it shows for anything else — examples added where mutation testing found none."""

from reporting import services
from reports.upload.read import PROGRESS_SHEET, VALUES_SHEET
from tests.test_upload import UploadTestCase, row_of, workbook_bytes


class ChoiceColumnTests(UploadTestCase):
    def setUp(self):
        self.login(self.kjj_liaison)
        report = services.get_or_create_report(self.plan, self.kjj, 5)
        # Task 1 already says it needs coordination: each spelling of 否 below must change that.
        services.save_progress(
            report, self.task1, work_done="召开推进会", problems="", next_steps="", self_status="on_track",
            needs_coordination=True, coordination_matter="协调用地", user=self.kjj_liaison,
        )

    def preview(self, **cells):
        wb = self.filled(progress={1: {"C": "召开推进会", "F": "正常推进", "G": "是", "H": "协调用地", **cells}})
        response = self.upload(workbook_bytes(wb))
        self.assertEqual(response.status_code, 200)
        self.row = row_of(wb[PROGRESS_SHEET], 1)
        return response

    def changes(self, response):
        self.assertEqual(self.errors_of(response), [])
        return [(c.field, c.old, c.new) for c in response.context["preview"].changes]

    def test_it_reads_no_as_a_blank_a_zero_or_no(self):
        for spelling in ("", "0", "否", 0):
            with self.subTest(spelling=spelling):
                # No coordination needed: the matter it named is cleared with it.
                self.assertEqual(
                    self.changes(self.preview(G=spelling)), [("需市级协调", "是", "否"), ("协调事项", "协调用地", "")]
                )

    def test_it_reads_yes_as_yes_or_one(self):
        for spelling in ("是", "1", 1):
            with self.subTest(spelling=spelling):
                self.assertEqual(self.changes(self.preview(G=spelling)), [])  # still 是: nothing to change

    def test_it_refuses_another_answer_with_its_first_twenty_characters(self):
        response = self.preview(G="也许" + "需" * 23)  # 25 characters
        self.assertEqual(self.errors_of(response), [
            f"工作表“{PROGRESS_SHEET}” 第 {self.row} 行 G 列（需市级协调）："
            f"需市级协调请填“是”或“否”，不是“也许{'需' * 18}”。"
        ])
        self.assertIsNone(response.context["preview"])

    def test_it_refuses_an_unknown_self_assessment_naming_the_four(self):
        response = self.preview(F="很好" + "好" * 23)
        self.assertEqual(self.errors_of(response), [
            f"工作表“{PROGRESS_SHEET}” 第 {self.row} 行 F 列（自评状态）："
            f"自评状态须为正常推进、进度滞后、已完成、未启动之一，不是“很好{'好' * 18}”。"
        ])

    def test_it_asks_for_a_self_assessment_left_blank(self):
        response = self.preview(F="")
        self.assertEqual(self.errors_of(response), [
            f"工作表“{PROGRESS_SHEET}” 第 {self.row} 行 F 列（自评状态）：请选择自评状态。"
        ])

    def test_a_new_value_is_previewed_from_nothing(self):
        wb = self.filled(values={"T26": {"F": 12400}})
        response = self.upload(workbook_bytes(wb))
        self.assertEqual(self.errors_of(response), [])
        changes = [(c.row, c.field, c.old, c.new) for c in response.context["preview"].changes]
        self.assertEqual(changes, [(row_of(wb[VALUES_SHEET], "T26"), "本月数值", "", "12,400")])
