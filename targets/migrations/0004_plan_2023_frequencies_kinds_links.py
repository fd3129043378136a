"""The 2023 plan re-read (fixtures/build_plan_2023.py) applied to databases loaded before it:
reporting frequencies, the kinds of the 10大 family and of the counts, and the task links of
targets whose task names them. Fresh databases get the same from the fixture."""

from django.db import migrations

FREQUENCIES = {
    "高新技术企业数": ("quarterly", "高新技术企业分批认定、公示，按季度报送认定结果"),
    "高新技术产业增加值增速": ("quarterly", "增加值由统计部门按季度核算"),
    "数字经济核心产业增加值占比": ("quarterly", "增加值由统计部门按季度核算"),
    "科技保险增速": ("quarterly", "保险保费统计按季度发布"),
    "创业投资增速": ("quarterly", "创业投资规模按季度汇总统计"),
    "每万人口高价值发明专利拥有量": ("quarterly", "知识产权统计按季度发布"),
    "科技领军人才": ("half_yearly", "“武汉英才”计划分批评审认定，按半年报送"),
    "本土优秀人才": ("half_yearly", "“武汉英才”计划分批评审认定，按半年报送"),
    "战略科技人才": ("half_yearly", "“武汉英才”计划分批评审认定，按半年报送"),
    "市级科技领军企业": ("yearly", "市级科技领军企业每年集中评选一次"),
}
KINDS = {
    "获批建设全国重点实验室": "cumulative",
    "高端创新团队": "milestone",
    "高价值专利培育中心": "cumulative",
    "人工智能应用场景": "cumulative",
    "企业牵头组建研发机构": "cumulative",
    "市级以上技术转移示范机构": "cumulative",
    "主导新建中试平台": "cumulative",
    "新组建新型研发机构": "cumulative",
}
LINKS = {"高价值专利培育中心": 19, "每万人口高价值发明专利拥有量": 19, "科技保险增速": 21, "创业投资增速": 21}


def forwards(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    Task = apps.get_model("tasks", "Task")
    for target in Target.objects.filter(plan__code="2023"):
        frequency, reason = FREQUENCIES.get(target.name, ("monthly", ""))
        target.frequency, target.frequency_reason = frequency, reason
        target.kind = KINDS.get(target.name, target.kind)
        target.save(update_fields=["frequency", "frequency_reason", "kind"])
        if target.name in LINKS:
            task = Task.objects.filter(plan_id=target.plan_id, number=LINKS[target.name]).first()
            if task is not None:
                target.tasks.add(task)


class Migration(migrations.Migration):
    dependencies = [("targets", "0003_frequency_year_start_stored_standings"), ("tasks", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
