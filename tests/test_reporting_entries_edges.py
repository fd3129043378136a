"""A month's entries (reporting/services/entries.py) at their edges, as the liaison's form and the
bureau's lists read them: a closed coordination matter kept closed by an edit and reopened by a new
one, an empty 下步计划 stored empty, the length limits at exactly their number, and each refusal word
for word."""

from django.core.exceptions import ValidationError

from reporting import services
from reporting.services import MATTER_MAX, NOTE_MAX, SOURCE_MAX, TEXT_MAX, EditConflict, NotEditable
from targets.models import Plan, TargetValue
from tasks.models import MonthlyReport, ProgressReport
from tests import dashboard_seed
from tests.reporting_base import ReportingTestCase


class CoordinationMatterTests(ReportingTestCase):
    def save(self, user=None, **overrides):
        return services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(**overrides),
                                      user=user or self.jxj_liaison)

    def test_a_closed_matter_stays_closed_when_the_narrative_is_edited(self):
        progress = self.save(needs_coordination=True, coordination_matter="请市财政局协调资金")
        ProgressReport.objects.filter(pk=progress.pk).update(coordination_closed=True)  # closed by the bureau
        self.save(needs_coordination=True, coordination_matter="请市财政局协调资金", work_done="补充：已签约2家。")
        progress = ProgressReport.objects.get(pk=progress.pk)
        self.assertEqual((progress.work_done, progress.coordination_closed), ("补充：已签约2家。", True))

    def test_a_matter_raised_again_after_unticking_is_open(self):
        progress = self.save(needs_coordination=True, coordination_matter="请市财政局协调资金")
        ProgressReport.objects.filter(pk=progress.pk).update(coordination_closed=True)
        self.save(needs_coordination=False)
        progress = ProgressReport.objects.get(pk=progress.pk)
        self.assertEqual((progress.needs_coordination, progress.coordination_matter, progress.coordination_closed),
                         (False, "", False))
        self.save(needs_coordination=True, coordination_matter="请市自然资源规划局协调用地")
        progress = ProgressReport.objects.get(pk=progress.pk)
        self.assertEqual((progress.coordination_matter, progress.coordination_closed), ("请市自然资源规划局协调用地", False))


class ProgressCheckTests(ReportingTestCase):
    def refusal(self, **overrides):
        with self.assertRaises(ValidationError) as caught:
            services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(**overrides), user=self.jxj_liaison)
        self.assertFalse(ProgressReport.objects.exists())  # nothing saved
        return caught.exception.message_dict

    def test_an_empty_next_step_is_stored_empty(self):
        progress = services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(next_steps=""),
                                          user=self.jxj_liaison)
        self.assertEqual(ProgressReport.objects.get(pk=progress.pk).next_steps, "")

    def test_each_text_takes_exactly_its_limit(self):
        progress = services.save_progress(
            self.jxj_report, self.jxj_task, user=self.jxj_liaison,
            **self.progress_data(work_done="进" * TEXT_MAX, problems="问" * TEXT_MAX, next_steps="计" * TEXT_MAX,
                                 needs_coordination=True, coordination_matter="协" * MATTER_MAX),
        )
        progress = ProgressReport.objects.get(pk=progress.pk)
        self.assertEqual((len(progress.work_done), len(progress.coordination_matter)), (5000, 2000))

    def test_one_character_more_is_refused_with_the_limit(self):
        self.assertEqual(self.refusal(work_done="进" * (TEXT_MAX + 1)), {"work_done": ["不能超过 5000 字。"]})
        self.assertEqual(self.refusal(next_steps="计" * (TEXT_MAX + 1)), {"next_steps": ["不能超过 5000 字。"]})
        self.assertEqual(self.refusal(needs_coordination=True, coordination_matter="协" * (MATTER_MAX + 1)),
                         {"coordination_matter": ["不能超过 2000 字。"]})

    def test_it_asks_for_the_work_done_in_words(self):
        self.assertEqual(self.refusal(work_done="  "), {"work_done": ["请填写工作进展。"]})

    def test_it_asks_for_each_missing_part_in_words(self):
        self.assertEqual(self.refusal(self_status=""), {"self_status": ["请选择自评状态。"]})
        self.assertEqual(self.refusal(self_status=ProgressReport.SelfStatus.BEHIND, problems=""),
                         {"problems": ["进度滞后或指标落后于时间进度时，须填写存在问题。"]})
        self.assertEqual(self.refusal(needs_coordination=True, coordination_matter=" "),
                         {"coordination_matter": ["勾选需市级协调时，须填写协调事项。"]})

    def test_a_matter_left_in_the_box_without_the_tick_is_not_kept(self):
        progress = services.save_progress(
            self.jxj_report, self.jxj_task, **self.progress_data(needs_coordination=False, coordination_matter="残留的协调事项"),
            user=self.jxj_liaison,
        )
        progress = ProgressReport.objects.get(pk=progress.pk)
        self.assertEqual((progress.needs_coordination, progress.coordination_matter), (False, ""))


class RefusalWordingTests(ReportingTestCase):
    def test_another_units_task_is_refused_in_words(self):
        other_task = self.plan.tasks.exclude(pk__in=[self.jxj_task.pk]).exclude(assignments__unit=self.jxj).first()
        with self.assertRaises(NotEditable) as caught:
            services.save_progress(self.jxj_report, other_task, **self.progress_data(), user=self.jxj_liaison)
        self.assertEqual(str(caught.exception), "该任务不由本单位报送。")

    def test_a_narrative_changed_by_someone_else_is_refused_in_words(self):
        first = services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(), user=self.jxj_liaison)
        services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(work_done="同事改过的进展"),
                               user=self.jxj_liaison, expected_version=first.version)
        with self.assertRaises(EditConflict) as caught:  # the form still showed version 1
            services.save_progress(self.jxj_report, self.jxj_task, **self.progress_data(work_done="我的进展"),
                                   user=self.jxj_liaison, expected_version=first.version)
        self.assertEqual(str(caught.exception), "该任务进展已被他人修改，请刷新后重试。")
        self.assertEqual(ProgressReport.objects.get(pk=first.pk).work_done, "同事改过的进展")


class ValueTests(ReportingTestCase):
    def test_another_units_target_is_refused_in_words(self):
        with self.assertRaises(NotEditable) as caught:  # 武创科技成果转化基金规模 is 市地方金融局's
            services.save_target_value(self.jxj_report, self.fund_size, value="12", user=self.jxj_liaison)
        self.assertEqual(str(caught.exception), "该指标不由本单位报送。")

    def test_a_suspect_figure_saved_with_a_note_is_flagged_on_the_report(self):
        share = self.plan.targets.get(code="T12")  # 数字经济核心产业增加值占比, reported by 市科技局
        report = services.get_or_create_report(self.plan, share.reporting_unit, 3)
        value = services.save_target_value(report, share, value="120", note="含新统计口径，数据属实", user=self.staff)
        self.assertEqual(value.suspect, ["占比应在 0 至 100% 之间，本月填报 120%。"])
        self.login(self.staff)
        page = self.client.get(f"/reporting/{report.pk}/")
        self.assertContains(page, "存疑：占比应在 0 至 100% 之间，本月填报 120%。")

    def test_a_figure_changed_by_someone_else_is_refused_in_words(self):
        first = services.save_target_value(self.jrj_report, self.fund_size, value="12", user=self.jrj_liaison)
        services.save_target_value(self.jrj_report, self.fund_size, value="15", user=self.jrj_liaison,
                                   expected_version=first.version)
        with self.assertRaises(EditConflict) as caught:
            services.save_target_value(self.jrj_report, self.fund_size, value="18", user=self.jrj_liaison,
                                       expected_version=first.version)
        self.assertEqual(str(caught.exception), "该数值已被他人修改，请刷新后重试。")


class EarlierMonthsTests(ReportingTestCase):
    """A figure is held against the unit's own approved earlier months: 武创科技成果转化基金规模 (a stock,
    target 30 亿元) was 20 in January; 洪山区's approved February figure of the same target (entered
    before it was given to 市地方金融局) is not 市地方金融局's."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        january = dashboard_seed.report(cls.plan, cls.jrj, 1)
        dashboard_seed.value(january, cls.fund_size, 20)
        february_elsewhere = dashboard_seed.report(cls.plan, cls.hongshan, 2)
        dashboard_seed.value(february_elsewhere, cls.fund_size, 10)

    def test_a_stock_below_its_last_approved_month_needs_a_note(self):
        with self.assertRaises(ValidationError) as caught:
            services.save_target_value(self.jrj_report, self.fund_size, value="15", user=self.jrj_liaison)
        self.assertEqual(caught.exception.message_dict, {"note": [
            "此数值可能有误：存量较1月的 20 减少，与目标方向相反。如确认无误，请在“说明”中写明原因后再保存。"
        ]})
        self.assertFalse(self.jrj_report.values.exists())

    def test_with_a_note_it_is_saved_and_flagged(self):
        value = services.save_target_value(self.jrj_report, self.fund_size, value="15", note="基金部分退出，属实",
                                           user=self.jrj_liaison)
        self.assertEqual(value.suspect, ["存量较1月的 20 减少，与目标方向相反。"])

    def test_a_figure_above_it_passes_without_a_note(self):
        value = services.save_target_value(self.jrj_report, self.fund_size, value="22", user=self.jrj_liaison)
        self.assertEqual((str(value.value.normalize()), value.suspect), ("22", []))


class TargetsBehindTests(ReportingTestCase):
    """存在问题 is asked for when a figure the unit reports this month falls behind the time progress:
    武创科技成果转化基金规模 (a stock without a year-start figure, target 30 亿元) is judged by its trend
    from the unit's approved January figure of 20."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        january = dashboard_seed.report(cls.plan, cls.jrj, 1)
        dashboard_seed.value(january, cls.fund_size, 20)
        cls.fund_task = cls.fund_size.tasks.order_by("number").first()

    def save_progress_without_problems(self):
        return services.save_progress(self.jrj_report, self.fund_task, **self.progress_data(), user=self.jrj_liaison)

    def test_a_stock_flat_since_january_asks_for_problems(self):
        # 20 in January and 20 in March: the trend stays at 20 of 30, 33.3 points short: 严重滞后.
        services.save_target_value(self.jrj_report, self.fund_size, value="20", user=self.jrj_liaison)
        with self.assertRaises(ValidationError) as caught:
            self.save_progress_without_problems()
        self.assertEqual(caught.exception.message_dict, {"problems": ["进度滞后或指标落后于时间进度时，须填写存在问题。"]})
        self.assertFalse(ProgressReport.objects.filter(report=self.jrj_report).exists())

    def test_januarys_figure_is_not_this_months(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="30", user=self.jrj_liaison)  # done
        self.assertEqual(self.save_progress_without_problems().problems, "")

    def test_a_figure_of_a_target_no_longer_the_units_is_not_held_against_it(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="20", user=self.jrj_liaison)
        type(self.fund_size).objects.filter(pk=self.fund_size.pk).update(reporting_unit=self.hongshan)
        self.assertEqual(self.save_progress_without_problems().problems, "")

    def test_it_reads_the_months_figures_in_three_queries(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="20", user=self.jrj_liaison)
        services.save_target_value(self.jrj_report, self.loan_growth, value="9", user=self.jrj_liaison)
        with self.assertNumQueries(3):  # the figures with their targets, the approved earlier months, the tasks
            behind = services.tasks_with_targets_behind(self.jrj_report)
        self.assertIn(self.fund_task.pk, behind)


class ValueCheckTests(ReportingTestCase):
    """A figure's 说明 and 数据来源 at exactly their limits, one character more refused on its field,
    and what is stored when they are left out."""

    def save(self, **fields):
        return services.save_target_value(self.jrj_report, self.fund_size, user=self.jrj_liaison, **fields)

    def refusal(self, **fields):
        with self.assertRaises(ValidationError) as caught:
            self.save(**fields)
        self.assertFalse(TargetValue.objects.filter(report=self.jrj_report).exists())  # nothing saved
        return caught.exception.message_dict

    def test_note_and_source_take_exactly_their_limits(self):
        value = self.save(value="25", note="说" * NOTE_MAX, source="源" * SOURCE_MAX)
        value = TargetValue.objects.get(pk=value.pk)
        self.assertEqual((len(value.note), len(value.source)), (2000, 200))

    def test_one_character_more_is_refused_on_its_field(self):
        self.assertEqual(self.refusal(value="25", note="说" * (NOTE_MAX + 1)), {"note": ["说明不能超过 2000 字。"]})
        self.assertEqual(self.refusal(value="25", source="源" * (SOURCE_MAX + 1)), {"source": ["数据来源不能超过 200 字。"]})

    def test_a_value_that_is_not_a_number_is_refused_in_words(self):
        self.assertEqual(self.refusal(value="二十亿"), {"value": ["“二十亿”不是数字。"]})

    def test_a_figure_without_note_or_source_stores_them_empty(self):
        for fields in ({}, {"note": None, "source": None}):
            with self.subTest(fields=fields):
                value = TargetValue.objects.get(pk=self.save(value="25", **fields).pk)
                self.assertEqual((value.note, value.source), ("", ""))

    def test_an_edit_records_who_made_it(self):
        self.save(value="25")
        value = self.save(value="26")
        self.assertEqual((TargetValue.objects.get(pk=value.pk).updated_by, value.version), (self.jrj_liaison, 2))

    def test_a_figure_removed_since_the_form_was_shown_is_a_conflict(self):
        value = self.save(value="25")
        TargetValue.objects.filter(pk=value.pk).delete()
        with self.assertRaises(EditConflict) as caught:
            self.save(value="26", expected_version=value.version)
        self.assertEqual(str(caught.exception), "该数值已被他人修改，请刷新后重试。")
        self.assertFalse(TargetValue.objects.filter(report=self.jrj_report).exists())

    def test_another_units_figure_of_the_same_month_is_left_alone(self):
        # 洪山区 entered its March figure of the fund before the target was given to 市地方金融局.
        hongshan_march = dashboard_seed.value(self.hongshan_report, self.fund_size, 10)
        value = self.save(value="25")
        self.assertNotEqual(value.pk, hongshan_march.pk)
        self.assertEqual(TargetValue.objects.get(pk=hongshan_march.pk).value, 10)
        self.assertEqual(TargetValue.objects.get(pk=value.pk).value, 25)


class ReportCreationTests(ReportingTestCase):
    def test_it_creates_january_and_december(self):
        for month in (1, 12):
            with self.subTest(month=month):
                report = services.get_or_create_report(self.plan, self.jrj, month)
                self.assertEqual((report.month, report.status), (month, MonthlyReport.Status.DRAFT))

    def test_it_refuses_a_month_outside_the_year(self):
        for month, shown in ((0, "0"), (13, "13"), ("3", "'3'")):
            with self.subTest(month=month), self.assertRaises(ValueError) as caught:
                services.get_or_create_report(self.plan, self.jrj, month)
            self.assertEqual(str(caught.exception), f"month must be 1–12, not {shown}")

    def test_it_refuses_a_group(self):
        group = self.jrj.__class__.objects.filter(kind="group").first()
        with self.assertRaises(ValueError) as caught:
            services.get_or_create_report(self.plan, group, 3)
        self.assertEqual(str(caught.exception), "a group does not report; its members do")

    def test_it_refuses_a_plan_not_yet_published_in_words(self):
        draft = Plan.objects.create(code="2024-draft", year=2024, title="2024年工作要点（征求意见稿）", state=Plan.State.DRAFT)
        with self.assertRaises(NotEditable) as caught:
            services.get_or_create_report(draft, self.jrj, 3)
        self.assertEqual(str(caught.exception), "“2024年工作要点（征求意见稿）”尚未发布，不接受报送。")
        self.assertFalse(MonthlyReport.objects.filter(plan=draft).exists())
