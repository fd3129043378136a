"""/reporting/<pk>/values/ — one form for all the targets a unit reports in a month."""

from decimal import Decimal

from django import forms
from django.utils import translation

from reporting import services
from targets.models import TargetValue
from tests.reporting_base import ReportingTestCase

with translation.override("zh-hans"):  # Django's message (输入整数。), however an installed app words it
    INVALID_INTEGER = str(forms.IntegerField().error_messages["invalid"])


class ValuesFormTests(ReportingTestCase):
    def url(self, report=None):
        return f"/reporting/{(report or self.jrj_report).pk}/values/"

    def data(self, **overrides):
        """A POST for jrj's four targets: T16–T18 (rates), T43 (stock); blank = not entered."""
        data = {}
        for target in self.plan.targets.filter(reporting_unit=self.jrj):
            existing = TargetValue.objects.filter(target=target, unit=self.jrj, month=3).first()
            prefix = f"t{target.pk}"
            data.update({
                f"{prefix}_value": "", f"{prefix}_note": "", f"{prefix}_source": "",
                f"{prefix}_version": existing.version if existing else 0,
            })
        loan, fund = f"t{self.loan_growth.pk}", f"t{self.fund_size.pk}"
        data.update({f"{loan}_value": "10.8", f"{loan}_source": "人行武汉分行", f"{fund}_value": "12.5",
                     f"{fund}_note": "新增子基金2支"})
        data.update(overrides)
        return data

    def test_it_shows_each_target_with_unit_target_and_last_month(self):
        february = services.get_or_create_report(self.plan, self.jrj, 2)
        services.save_target_value(february, self.fund_size, value="8", user=self.jrj_liaison)
        self.login(self.jrj_liaison)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        rows = {row["target"].code: row for row in response.context["form"].rows()}
        self.assertEqual(list(rows), ["T16", "T17", "T18", "T43"])
        self.assertEqual(rows["T43"]["previous_display"], "8")
        self.assertContains(response, "亿元")
        self.assertContains(response, f'name="t{self.fund_size.pk}_version" value="0"')

    def test_it_asks_only_for_the_targets_due_that_month(self):
        # 科技保险增速 (T17) and 创业投资增速 (T18) are quarterly: asked for in March, not in April.
        april = services.get_or_create_report(self.plan, self.jrj, 4)
        self.login(self.jrj_liaison)
        rows = [row["target"].code for row in self.client.get(self.url(april)).context["form"].rows()]
        self.assertEqual(rows, ["T16", "T43"])

    def test_it_saves_the_entered_rows_and_skips_blank_ones(self):
        self.login(self.jrj_liaison)
        response = self.client.post(self.url(), self.data())
        self.assertRedirects(response, f"/reporting/{self.jrj_report.pk}/")
        values = {v.target.code: v for v in TargetValue.objects.select_related("target")}
        self.assertEqual(set(values), {"T16", "T43"})
        self.assertEqual(values["T16"].value, Decimal("10.8"))
        self.assertEqual(values["T16"].source, "人行武汉分行")
        self.assertEqual(values["T43"].note, "新增子基金2支")
        self.assertEqual(values["T43"].updated_by, self.jrj_liaison)
        page = self.client.get(f"/reporting/{self.jrj_report.pk}/")
        self.assertContains(page, '<td class="num">12.5</td>', html=True)

    def test_it_accepts_full_width_digits(self):
        self.login(self.jrj_liaison)
        self.client.post(self.url(), self.data(**{f"t{self.fund_size.pk}_value": "１２．５"}))
        self.assertEqual(TargetValue.objects.get(target=self.fund_size).value, Decimal("12.5"))

    def test_it_refuses_bad_input_on_every_field_and_saves_nothing(self):
        loan, fund = f"t{self.loan_growth.pk}", f"t{self.fund_size.pk}"
        cases = [
            ({f"{fund}_value": "十二"}, "“十二”不是数字"),
            ({f"{fund}_value": "-3"}, "不能为负数"),
            ({f"{loan}_value": "1200"}, "不能超过 1000%"),
            ({f"{fund}_value": "1.23456"}, "小数位数不能超过 4 位"),
            ({f"{fund}_value": "99999999999999"}, "数值过大"),
            ({f"{fund}_note": "长" * 2001}, "2000"),
            ({f"{fund}_source": "源" * 201}, "200"),
            ({f"{fund}_version": "abc"}, INVALID_INTEGER),  # a tampered hidden version
            ({f"t{self.plan.targets.get(code='T17').pk}_note": "只写了说明"}, "请同时填写数值"),
        ]
        self.login(self.jrj_liaison)
        for overrides, message in cases:
            with self.subTest(overrides=list(overrides)):
                response = self.client.post(self.url(), self.data(**overrides))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "本次没有保存任何修改")
                self.assertContains(response, message)
                self.assertFalse(TargetValue.objects.exists())

    def test_it_refuses_to_clear_a_saved_value(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="12", user=self.jrj_liaison)
        self.login(self.jrj_liaison)
        response = self.client.post(self.url(), self.data(**{f"t{self.fund_size.pk}_value": ""}))
        self.assertContains(response, "已填报的数值不能清空")
        self.assertEqual(TargetValue.objects.get(target=self.fund_size).value, Decimal("12"))
        self.assertFalse(TargetValue.objects.filter(target=self.loan_growth).exists())

    def test_it_refuses_a_second_save_with_a_stale_version(self):
        services.save_target_value(self.jrj_report, self.fund_size, value="12", user=self.jrj_liaison)
        stale = self.data()  # the liaison's form was rendered at version 1
        services.save_target_value(self.jrj_report, self.fund_size, value="14", user=self.staff, expected_version=1)
        self.login(self.jrj_liaison)
        response = self.client.post(self.url(), stale)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "他人已在您打开页面后保存了该指标，您的修改未保存", status_code=409)
        value = TargetValue.objects.get(target=self.fund_size)
        self.assertEqual((value.value, value.version), (Decimal("14"), 2))
        self.assertFalse(TargetValue.objects.filter(target=self.loan_growth).exists())  # nothing else either

    def test_it_lets_staff_correct_a_units_draft(self):
        self.login(self.staff)
        self.assertRedirects(self.client.post(self.url(), self.data()), f"/reporting/{self.jrj_report.pk}/")
        self.assertEqual(TargetValue.objects.get(target=self.fund_size).updated_by, self.staff)

    def test_it_hides_another_units_report(self):
        self.login(self.jxj_liaison)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), self.data()).status_code, 404)
        self.assertFalse(TargetValue.objects.exists())

    def test_it_refuses_leaders_and_outsiders(self):
        for user, status in ((self.leader, 403), (self.outsider, 403)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, status)
                self.assertEqual(self.client.post(self.url(), self.data()).status_code, status)
        self.assertFalse(TargetValue.objects.exists())

    def test_it_redirects_anonymous_users(self):
        response = self.client.post(self.url(), self.data())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_it_locks_a_submitted_report_for_everyone(self):
        self.submitted(self.jrj_report, self.jrj_liaison)
        for user in (self.jrj_liaison, self.staff):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                self.assertEqual(
                    self.client.post(self.url(), self.data(**{f"t{self.fund_size.pk}_value": "29"})).status_code, 403
                )
        self.assertEqual(TargetValue.objects.get(target=self.fund_size).value, Decimal("30"))

    def test_it_refuses_other_methods(self):
        self.login(self.jrj_liaison)
        self.assertEqual(self.client.put(self.url()).status_code, 405)
