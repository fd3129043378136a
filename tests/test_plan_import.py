"""Importing a plan from a filled Excel template (/plans/import/): every error named by sheet, row and
column with nothing saved, a preview, then one save as a draft; the downloaded template reads back."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from targets.models import Target
from tasks.models import Plan, Section, Task, TaskAssignment
from tests.personas import PersonasTestCase

IMPORT_URL = reverse("plans:import")
CONFIRM_URL = reverse("plans:import_confirm")
TEMPLATE_URL = reverse("plans:import_template")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The headers as staff see them in the template; written here, not imported, so that a change of
# the layout that the reader and the writer would share unnoticed still fails this test.
HEADERS = {
    "工作要点": ["年度", "代码", "名称", "文号", "印发机关", "印发日期"],
    "板块": ["类别", "序号", "编号", "标题"],
    "任务": ["序号", "板块", "标题", "牵头单位", "责任单位", "原文"],
    "指标": ["编号", "名称", "目标值", "计量单位", "比较方式", "原文表述", "类型", "报送频次", "频次说明", "报送单位",
           "目标组", "所属任务", "原文", "年初基数", "年初基数依据"],
}

# A subset of the 2023 plan (fixtures/plan_2023.json): its first goal group, the first two task areas,
# tasks 1–4 with their units, and three of their targets; the year and code are 2024's.
PLAN_ROW = [2024, "2024", "2024年武汉市科技创新工作要点", "武政办〔2024〕1号", "武汉市人民政府办公厅", "2024-01-30"]
SECTION_ROWS = [
    ["目标组", 1, "（一）", "科创中心建设成势见效"],
    ["任务板块", 1, "（一）", "加快推进科创中心建设"],
    ["任务板块", 2, "（二）", "加快培育战略科技力量"],
]
TASK_ROWS = [
    [1, 1, "健全长效推进机制", "市科技局", "市推进科创中心建设领导小组成员单位", "健全长效推进机制。强化上下联动、协同配合。"],
    [2, 1, "推动东湖科学城建设加力提速", "东湖高新区管委会", "市发改委、市科技局、市财政局、市自然资源规划局",
     "推动东湖科学城建设加力提速。"],
    [3, 2, "打造重大科技基础设施集群", "市发改委", "市科技局、市财政局、市自然资源规划局、东湖高新区管委会、洪山区人民政府",
     "打造重大科技基础设施集群。"],
    [4, "（二）", "打造高水平实验室建设集群", "kjj", "市发改委、市教育局、市财政局、市自然资源规划局、各区人民政府",
     "打造高水平实验室建设集群。"],
]
TARGET_ROWS = [
    ["T01", "推进建设重大科技基础设施", 4, "个", "达到", "—", "限定数量的项目", "每月", None, "市发改委", 1, "3",
     "推进建设4个、预研预制4个重大科技基础设施。", None, None],
    ["T03", "获批建设全国重点实验室", 10, "家", "不低于", "以上", "年度累计", "每月", None, "市科技局", 1, "4",
     "获批建设10家以上全国重点实验室。", None, None],
    ["T21", "武汉新城中心片区亮点项目", 10, "个", "达到", "—", "限定数量的项目", "每季度", "分批启动", "东湖高新区管委会",
     None, "2", "启动武汉新城中心片区科学社区、科学论坛等十大亮点项目。", None, None],
]


def workbook(plan=None, sections=None, tasks=None, targets=None):
    """A filled import file, as a member of staff would type it into the template."""
    wb = Workbook()
    wb.active.title = "说明"
    for sheet, rows in (("工作要点", [plan or PLAN_ROW]), ("板块", sections or SECTION_ROWS),
                        ("任务", tasks or TASK_ROWS), ("指标", targets or TARGET_ROWS)):
        ws = wb.create_sheet(sheet)
        ws.append(HEADERS[sheet])
        for row in rows:
            ws.append(row)
    return wb


def xlsx(wb, name="2024年工作要点.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def replaced(rows, index, column, value):
    rows = [list(row) for row in rows]
    rows[index][column] = value
    return rows


def saved_rows():
    return (Plan.objects.count(), Section.objects.count(), Task.objects.count(), TaskAssignment.objects.count(),
            Target.objects.count(), Plan.history.count(), Task.history.count(), Target.history.count())


class PlanImportTestCase(PersonasTestCase):
    def upload(self, wb, name="2024年工作要点.xlsx"):
        return self.client.post(IMPORT_URL, {"file": xlsx(wb, name)})


class PlanImportRefusalTest(PlanImportTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_names_the_row_and_column_of_an_unknown_unit_and_saves_nothing_then_imports_the_fixed_file(self):
        before = saved_rows()
        bad = replaced(TASK_ROWS, 2, 3, "市发展改革委")  # task 3, on row 4 (the header is row 1)
        response = self.upload(workbook(tasks=bad))
        self.assertContains(response, "工作表“任务” 第 4 行 D 列（牵头单位）")
        self.assertContains(response, "“市发展改革委”不是系统中的单位")
        self.assertContains(response, "文件有 1 处问题，未保存任何内容")
        self.assertNotContains(response, "确认导入为草稿")
        self.assertEqual(saved_rows(), before)
        self.assertFalse(Plan.objects.filter(year=2024).exists())

        preview = self.upload(workbook())
        self.assertContains(preview, "目标组 1 个、任务板块 2 个、重点任务 4 项、指标 3 个")
        self.assertContains(preview, "确认导入为草稿")
        self.assertEqual(saved_rows(), before, "a preview saves nothing")
        token = preview.context["token"]
        response = self.client.post(CONFIRM_URL, {"token": token})
        plan = Plan.objects.get(year=2024)
        self.assertRedirects(response, reverse("plans:detail", args=["2024"]))
        self.assertEqual((plan.code, plan.state, plan.document_number), ("2024", Plan.State.DRAFT, "武政办〔2024〕1号"))
        self.assertEqual(str(plan.issued_on), "2024-01-30")
        self.assertEqual((plan.sections.count(), plan.tasks.count(), plan.targets.count()), (3, 4, 3))
        task3 = plan.tasks.get(number=3)
        self.assertEqual((task3.section.numeral, task3.section.kind), ("（二）", Section.Kind.TASK_AREA))
        self.assertEqual([u.name for u in task3.lead_units()], ["市发改委"])
        self.assertEqual([u.name for u in task3.responsible_units()],
                         ["市科技局", "市财政局", "市自然资源规划局", "东湖高新区管委会", "洪山区人民政府"])
        self.assertEqual([u.name for u in plan.tasks.get(number=4).lead_units()], ["市科技局"])  # by its code
        t03 = plan.targets.get(code="T03")
        self.assertEqual((t03.value, t03.kind, t03.comparison, t03.goal_section.title),
                         (Decimal("10"), Target.Kind.CUMULATIVE, Target.Comparison.AT_LEAST, "科创中心建设成势见效"))
        self.assertEqual([t.number for t in t03.tasks.all()], [4])
        t21 = plan.targets.get(code="T21")
        self.assertEqual((t21.frequency, t21.goal_section, t21.reporting_unit.code), ("quarterly", None, "dhgxq"))
        self.assertEqual(t21.position, 3)
        history = plan.history.get()
        self.assertEqual((history.history_user, history.history_change_reason), (self.staff, "从Excel导入"))
        self.assertEqual(TaskAssignment.history.filter(task__plan=plan).count(), 2 + 5 + 6 + 6)

        page = self.client.get(response["Location"])
        self.assertContains(page, "草稿")
        self.assertContains(page, "10家以上")
        self.assertContains(page, "年度累计")
        self.assertContains(page, "市发改委")

        again = self.client.post(CONFIRM_URL, {"token": token})
        self.assertRedirects(again, IMPORT_URL)
        self.assertEqual(Plan.objects.filter(year=2024).count(), 1, "the same preview saves once")

    def test_it_lists_every_bad_row_at_once(self):
        before = saved_rows()
        plan = [2023, "2023", "", None, None, "一月底"]
        sections = SECTION_ROWS + [["目标组", 1, "（一）", "重复的目标组"], ["板块组", 3, "（三）", "加快推进关键核心技术攻关"]]
        tasks = TASK_ROWS + [
            [4, 1, "重复的任务", "市科技局", None, "原文"],  # row 6
            [5, 9, "没有牵头单位的任务", None, "市科技局", "原文"],  # row 7
            [6, 1, "", "市科技局", "市科技局", None],  # row 8
        ]
        targets = [
            replaced(TARGET_ROWS, 0, 2, 0)[0],  # row 2
            replaced(TARGET_ROWS, 1, 2, "十")[1],  # row 3
            ["T01", "另一个指标", 5, "个", "大约", "—", "存量", "每周", None, "各区人民政府", 7, "3、99", "原文", None, None],
            ["T09", "科技型中小企业评价入库数", 9000, "家", "不低于", "以上", "年度累计", "每月", None, "市科技局",
             None, None, "原文", 8000, "2022年末数"],  # row 5
        ]
        response = self.upload(workbook(plan, sections, tasks, targets))
        expected = [
            ("工作表“工作要点” 第 2 行 A 列（年度）", "2023年已有工作要点“2023年武汉市科技创新工作要点”（已发布），不能再导入同一年度。"),
            ("工作表“工作要点” 第 2 行 B 列（代码）", "代码“2023”已被其他工作要点使用。"),
            ("工作表“工作要点” 第 2 行 C 列（名称）", "请填写名称。"),
            ("工作表“工作要点” 第 2 行 F 列（印发日期）", "不是有效的日期"),
            ("工作表“板块” 第 5 行 B 列（序号）", "板块“目标组1”在第 2 行和第 5 行重复出现，不能重复。"),
            ("工作表“板块” 第 6 行 A 列（类别）", "须为目标组、任务板块之一，不是“板块组”。"),
            ("工作表“任务” 第 6 行 A 列（序号）", "任务序号“4”在第 5 行和第 6 行重复出现，不能重复。"),
            ("工作表“任务” 第 7 行 B 列（板块）", "“9”不是工作表“板块”中任务板块的序号。"),
            ("工作表“任务” 第 7 行 D 列（牵头单位）", "每项任务至少须有一个牵头单位。"),
            ("工作表“任务” 第 8 行 C 列（标题）", "请填写标题。"),
            ("工作表“任务” 第 8 行 E 列（责任单位）", "市科技局 已是牵头单位，不能同时列为责任单位。"),
            ("工作表“任务” 第 8 行 F 列（原文）", "请填写原文。"),
            ("工作表“指标” 第 2 行 C 列（目标值）", "目标值须大于零。"),
            ("工作表“指标” 第 3 行 C 列（目标值）", "“十”不是数字。"),
            ("工作表“指标” 第 4 行 A 列（编号）", "指标编号“T01”在第 2 行和第 4 行重复出现，不能重复。"),
            ("工作表“指标” 第 4 行 E 列（比较方式）", "须为不低于、左右、达到之一，不是“大约”。"),
            ("工作表“指标” 第 4 行 G 列（类型）", "须为年末存量、年度累计、增速或占比、限定数量的项目之一，不是“存量”。"),
            ("工作表“指标” 第 4 行 H 列（报送频次）", "须为每月、每季度、每半年、每年之一，不是“每周”。"),
            ("工作表“指标” 第 4 行 J 列（报送单位）", "各区人民政府 是单位组，报送单位须为一个具体单位。"),
            ("工作表“指标” 第 4 行 K 列（目标组）", "“7”不是工作表“板块”中目标组的序号。"),
            ("工作表“指标” 第 4 行 L 列（所属任务）", "“99”不是工作表“任务”中的任务序号。"),
            ("工作表“指标” 第 5 行 N 列（年初基数）", "只有年末存量类指标需要设置年初基数。"),
            ("工作表“指标” 第 5 行 L 列（所属任务）", "目标组和所属任务至少须填写一项。"),
        ]
        errors = [(error.location, error.message) for error in response.context["errors"]]
        for location, message in expected:
            self.assertTrue(any(found == location and message in text for found, text in errors),
                            f"{location}：{message} not in {errors}")
            self.assertContains(response, location)
        self.assertEqual(len(errors), len(expected), errors)
        self.assertEqual(saved_rows(), before)

    def test_it_refuses_a_file_that_is_not_the_template(self):
        wb = workbook()
        del wb["指标"]
        wb["任务"]["D1"] = "牵头部门"
        wb["任务"]["B3"] = "=1+0"
        response = self.upload(wb)
        self.assertContains(response, "缺少工作表“指标”，请使用本系统下载的导入模板。")
        self.assertContains(response, "工作表“任务” 第 1 行 D 列（牵头部门）", count=0)
        self.assertContains(response, "工作表“任务” 第 1 行 D 列（牵头单位）")
        self.assertContains(response, "表头应为“牵头单位”")
        self.assertContains(response, "工作表“任务” 第 3 行 B 列（板块）")
        self.assertContains(response, "单元格内是公式")
        not_xlsx = self.client.post(IMPORT_URL, {"file": SimpleUploadedFile("plan.csv", b"a,b\n", content_type="text/csv")})
        self.assertContains(not_xlsx, "文件不是 Excel（.xlsx）格式")
        self.assertEqual(Plan.objects.count(), 1)

    def test_it_refuses_a_confirmation_without_the_preview_token(self):
        self.upload(workbook())
        response = self.client.post(CONFIRM_URL, {"token": "forged"})
        self.assertRedirects(response, IMPORT_URL)
        self.assertFalse(Plan.objects.filter(year=2024).exists())

    def test_it_checks_the_stored_rows_again_on_confirmation(self):
        token = self.upload(workbook()).context["token"]
        Plan.objects.create(code="2024-b", year=2024, title="同年度的另一份", state=Plan.State.DRAFT)
        response = self.client.post(CONFIRM_URL, {"token": token})
        self.assertContains(response, "2024年已有工作要点“同年度的另一份”（草稿）")
        self.assertEqual(Plan.objects.filter(year=2024).count(), 1)
        self.assertEqual(Task.objects.filter(plan__year=2024).count(), 0)


class PlanImportAccessTest(PlanImportTestCase):
    def test_it_is_for_bureau_staff_only(self):
        for user in (self.jxj_liaison, self.hongshan_liaison, self.leader, self.outsider):
            self.client.force_login(user)
            self.assertEqual(self.client.get(IMPORT_URL).status_code, 403, user)
            self.assertEqual(self.client.get(TEMPLATE_URL).status_code, 403, user)
            self.assertEqual(self.upload(workbook()).status_code, 403, user)
            self.assertEqual(self.client.post(CONFIRM_URL, {"token": "x"}).status_code, 403, user)
        self.assertFalse(Plan.objects.filter(year=2024).exists())

    def test_it_sends_anonymous_visitors_to_sign_in(self):
        for response in (self.client.get(IMPORT_URL), self.client.get(TEMPLATE_URL), self.upload(workbook()),
                         self.client.post(CONFIRM_URL)):
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_it_answers_a_wrong_method_with_405(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.post(TEMPLATE_URL).status_code, 405)
        self.assertEqual(self.client.get(CONFIRM_URL).status_code, 405)
        self.assertEqual(self.client.put(IMPORT_URL).status_code, 405)

    def test_it_shows_the_form_and_is_linked_from_the_plans_list(self):
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(reverse("plans:list")), f'href="{IMPORT_URL}"')
        page = self.client.get(IMPORT_URL)
        self.assertContains(page, "上传并预览")
        self.assertContains(page, f'href="{TEMPLATE_URL}?from=2023"')
        self.assertEqual(self.client.post(IMPORT_URL, {}).status_code, 400)


class PlanImportTemplateTest(PlanImportTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def download(self, query=""):
        response = self.client.get(TEMPLATE_URL + query)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX)
        return load_workbook(io.BytesIO(response.content))

    def test_it_downloads_the_headers_the_reader_expects_with_lists_for_the_choices(self):
        wb = self.download()
        self.assertEqual(wb.sheetnames, ["说明", "工作要点", "板块", "任务", "指标", "单位"])
        for sheet, headers in HEADERS.items():
            self.assertEqual([cell.value for cell in wb[sheet][1]], headers, sheet)
            self.assertEqual(wb[sheet].max_row, 1, f"{sheet}: the empty template has no rows")
        lists = {(str(v.sqref)[0], v.formula1) for v in wb["指标"].data_validations.dataValidation}
        self.assertIn(("E", '"不低于,左右,达到"'), lists)
        self.assertIn(("G", '"年末存量,年度累计,增速或占比,限定数量的项目"'), lists)
        self.assertIn(("H", '"每月,每季度,每半年,每年"'), lists)
        self.assertIn(("J", "'单位'!$A$2:$A$46"), lists)
        self.assertEqual([v.formula1 for v in wb["板块"].data_validations.dataValidation], ['"目标组,任务板块"'])
        self.assertEqual(wb["单位"]["A2"].value, "市科技局")

    def test_it_round_trips_the_2023_plan_through_the_template_into_a_2024_draft(self):
        wb = self.download("?from=2023")
        ws = wb["工作要点"]
        self.assertEqual([c.value for c in ws[2]][:1], [2024])
        ws["B2"], ws["C2"] = "2024", "2024年武汉市科技创新工作要点"
        self.assertEqual(wb["任务"].max_row, 23)
        self.assertEqual(wb["指标"].max_row, 44)
        with CaptureQueriesContext(connection) as small:
            self.upload(workbook(plan=[2025, "2025", "2025年工作要点"]))
        with CaptureQueriesContext(connection) as full:
            preview = self.upload(wb)  # the latest preview is the one a confirmation saves
        self.assertContains(preview, "目标组 4 个、任务板块 9 个、重点任务 22 项、指标 43 个")
        self.assertEqual(len(full), len(small), "the preview's queries do not grow with the rows")
        self.client.post(CONFIRM_URL, {"token": preview.context["token"]})
        draft = Plan.objects.get(code="2024")
        source = Plan.objects.get(code="2023")

        def structure(plan):
            return (
                sorted(plan.sections.values_list("kind", "number", "numeral", "title")),
                sorted(TaskAssignment.objects.filter(task__plan=plan)
                       .values_list("task__number", "unit__code", "role", "position")),
                sorted(plan.targets.values_list("code", "name", "value", "unit_of_measure", "comparison",
                                                "comparison_wording", "kind", "frequency", "reporting_unit__code",
                                                "goal_section__number", "position", "source_text")),
                sorted(Target.tasks.through.objects.filter(target__plan=plan)
                       .values_list("target__code", "task__number")),
            )

        self.assertEqual(draft.state, Plan.State.DRAFT)
        self.assertEqual(structure(draft), structure(source))
