"""A corpus of hostile and broken input tried on every form: each gets a clear error (or, for
free text, is stored verbatim and shown escaped) and leaves the data unchanged.

Forms: login, password change, account creation, second-factor token, audit filter (this
issue); monthly values, task progress, return reason (reporting); the Excel upload (reports).
The evidence upload has its own file corpus in tests/test_security_uploads.py.
"""

import io
import zipfile
from decimal import Decimal
from html.parser import HTMLParser

from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from reports.upload.read import build_template
from targets.models import TargetValue
from tasks.models import MonthlyReport, ProgressReport
from tasks.reporting import targets_for_unit, tasks_for_unit
from tests.personas import PASSWORD, PersonasTestCase
from tests.test_access_sweep import SweepFixture
from tests.test_backup_restore import table_fingerprints
from units.models import Membership

SCRIPT = "<script>alert(1)</script>"
CORPUS = {
    "empty": "",
    "blank": "   ",
    "huge": "A" * (1024 * 1024),  # 1 MB
    "too_big_for_a_request": "长" * (1024 * 1024),  # 9 MB once form-encoded: over DATA_UPLOAD_MAX_MEMORY_SIZE
    "fullwidth_digits": "１２．５",
    "zero_width": "1\u200b2\u200d",
    "emoji": "🚀📈👍🏽",
    "rtl_override": "\u202egpj.exe",
    "null_byte": "12\x00",
    "script": SCRIPT,
    "html_attr": '"><img src=x onerror=alert(1)>',
    "sql": "1; DROP TABLE units_unit; --",
    "sql_quote": "' OR '1'='1",
    "formula": '=HYPERLINK("http://evil.example","点我")',
    "formula_dde": "+cmd|' /C calc'!A0",
    "number_words": "NaN",
    "exponent": "1e999",
    "negative": "-5",
}
IGNORED_TABLES = {"django_session", "units_auditevent", "axes_accessattempt", "axes_accesslog",
                  "axes_accessfailurelog", "axes_accessattemptexpiration", "auth_user"}


class HostileInputTestCase(PersonasTestCase):
    maxDiff = None

    def fingerprints(self):
        return {t: v for t, v in table_fingerprints().items() if t not in IGNORED_TABLES}

    def assert_escaped(self, response):
        body = response.content.decode(errors="replace")
        self.assertNotIn(SCRIPT, body)
        self.assertNotIn("<img src=x", body)

    def assert_refused(self, response, before, case):
        # 429: the login form locks the account after five failures, with its own message.
        self.assertIn(response.status_code, (200, 400, 409, 429), f"{case}: {response.status_code}")
        self.assertRegex(response.content.decode(), r'class="errorlist|class="error', f"{case}: no error shown")
        self.assert_escaped(response)
        self.assertEqual(self.fingerprints(), before, f"{case}: data changed")


class LoginFormTests(HostileInputTestCase):
    def test_every_bad_username_and_password_is_refused(self):
        before = self.fingerprints()
        for case, value in CORPUS.items():
            for data in ({"username": value, "password": value}, {"username": "jxj_liaison", "password": value}):
                with self.subTest(case=case, data=list(data)):
                    response = self.client.post(reverse("login"), data)
                    self.assert_refused(response, before, case)
                    self.assertNotIn("_auth_user_id", self.client.session)

    def test_wrong_types_are_refused(self):
        before = self.fingerprints()
        response = self.client.post(
            reverse("login"), {"username": ["jxj_liaison", "staff"], "password": [PASSWORD, "x"]}
        )
        self.assert_refused(response, before, "lists")
        response = self.client.post(reverse("login"), "username=staff&password=", content_type="application/json")
        self.assertIn(response.status_code, (200, 400))
        self.assertNotIn("_auth_user_id", self.client.session)


class PasswordChangeFormTests(HostileInputTestCase):
    def test_every_bad_new_password_is_refused(self):
        self.client.force_login(self.jxj_liaison)
        before = self.fingerprints()
        # Markup, SQL and formula strings mix three character classes: fine passwords, never shown.
        strong = {"script", "html_attr", "sql", "sql_quote", "formula", "formula_dde"}
        for case, value in CORPUS.items():
            if case in strong:
                continue
            with self.subTest(case=case):
                response = self.client.post(reverse("password_change"), {
                    "old_password": PASSWORD, "new_password1": value, "new_password2": value,
                })
                self.assert_refused(response, before, case)
        self.jxj_liaison.refresh_from_db()
        self.assertTrue(self.jxj_liaison.check_password(PASSWORD))

    def test_a_bad_old_password_is_refused(self):
        self.client.force_login(self.jxj_liaison)
        for case, value in CORPUS.items():
            with self.subTest(case=case):
                response = self.client.post(reverse("password_change"), {
                    "old_password": value, "new_password1": "Hubei-2023-kj", "new_password2": "Hubei-2023-kj",
                })
                self.assertContains(response, "errorlist")
        self.jxj_liaison.refresh_from_db()
        self.assertTrue(self.jxj_liaison.check_password(PASSWORD))


class AccountCreateFormTests(HostileInputTestCase):
    # (field, case) pairs that are valid input, not an attack: full-width letters and digits
    # are normalised (NFKC) to ASCII in user names, and "-5" is a fine user name.
    ACCEPTED = {("username", "fullwidth_digits"), ("username", "negative"), ("username", "number_words"),
                ("username", "exponent"), ("unit", "fullwidth_digits"), ("full_name", "number_words")}

    def valid(self):
        return {"username": "jxj_wang", "full_name": "王五", "email": "wang@example.gov.cn", "phone": "027-12345678",
                "role": "liaison", "unit": str(self.jxj.pk)}

    def test_every_field_refuses_the_corpus(self):
        self.client.force_login(self.staff)
        users = get_user_model().objects.count()
        before = self.fingerprints()
        for field in ["username", "full_name", "email", "phone", "role", "unit"]:
            for case, value in CORPUS.items():
                if (field, case) in self.ACCEPTED or (field in ("email", "phone") and case in ("empty", "blank")):
                    continue
                with self.subTest(field=field, case=case):
                    response = self.client.post(reverse("account_create"), {**self.valid(), field: value})
                    self.assert_refused(response, before, f"{field}={case}")
                    self.assertEqual(get_user_model().objects.count(), users)

    def test_normalised_input_is_stored_normalised(self):
        self.client.force_login(self.staff)
        self.client.post(reverse("account_create"), {**self.valid(), "username": "ｊｘｊ＿ｌｉ", "full_name": "李四"})
        self.assertTrue(get_user_model().objects.filter(username="jxj_li").exists())


class TokenAndFilterFormTests(HostileInputTestCase):
    def test_the_token_form_refuses_the_corpus(self):
        self.client.force_login(self.staff)
        self.client.get(reverse("otp_setup"))
        before = self.fingerprints()
        for case, value in CORPUS.items():
            with self.subTest(case=case):
                response = self.client.post(reverse("otp_setup"), {"token": value})
                self.assert_refused(response, {k: v for k, v in before.items()}, case)

    def test_the_audit_filter_survives_the_corpus(self):
        self.client.force_login(self.staff)
        for case, value in CORPUS.items():
            for field in ["action", "user", "date_from", "date_to", "q", "page"]:
                with self.subTest(case=case, field=field):
                    response = self.client.get(reverse("audit_log"), {field: value[:5000]})
                    self.assertEqual(response.status_code, 200)
                    self.assert_escaped(response)


class ReportingFormTests(HostileInputTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 市人才工作局 reports both targets and task progress (市经信局 reports no target).
        from units.accounts import create_account
        from units.models import Unit

        cls.unit = Unit.objects.get(code="rcgzj")
        cls.liaison = create_account("rcgzj_liaison", Membership.Role.LIAISON, cls.unit, PASSWORD)
        cls.report = MonthlyReport.objects.create(plan=cls.plan, unit=cls.unit, month=6)
        cls.target = next(t for t in targets_for_unit(cls.plan, cls.unit) if t.value >= 100 and not t.is_percent)
        cls.task = tasks_for_unit(cls.plan, cls.unit)[0]

    def values_form(self, **fields):
        data = {f"t{t.pk}_version": "0" for t in targets_for_unit(self.plan, self.unit)}
        data.update({f"t{self.target.pk}_{k}": v for k, v in fields.items()})
        return data

    def test_a_value_refuses_everything_but_a_number(self):
        self.client.force_login(self.liaison)
        url = reverse("reporting:values", args=[self.report.pk])
        before = self.fingerprints()
        for case, value in CORPUS.items():
            if case in ("fullwidth_digits", "negative", "empty", "blank"):
                continue  # a number, a number refused by the target's rule (below), or nothing entered
            with self.subTest(case=case):
                self.assert_refused(self.client.post(url, self.values_form(value=value)), before, case)
        self.assert_refused(self.client.post(url, self.values_form(value="-5")), before, "negative")
        self.assert_refused(self.client.post(url, self.values_form(value="", note="说明")), before, "note only")
        self.assert_refused(self.client.post(url, {**self.values_form(value="1"), f"t{self.target.pk}_version": "x"}),
                            before, "version not a number")
        self.assertFalse(TargetValue.objects.exists())

    def test_full_width_digits_are_read_as_the_number_they_show(self):
        self.client.force_login(self.liaison)
        self.client.post(reverse("reporting:values", args=[self.report.pk]), self.values_form(value="１２．５"))
        self.assertEqual(TargetValue.objects.get().value, Decimal("12.5"))

    def test_a_note_keeps_text_verbatim_and_shows_it_escaped(self):
        self.client.force_login(self.liaison)
        url = reverse("reporting:values", args=[self.report.pk])
        before = self.fingerprints()
        for case in ("huge", "too_big_for_a_request", "null_byte"):
            with self.subTest(case=case):
                self.assert_refused(self.client.post(url, self.values_form(value="1", note=CORPUS[case])), before, case)
        for case in ("script", "html_attr", "formula", "sql", "emoji"):
            with self.subTest(case=case):
                response = self.client.post(url, self.values_form(value="1", note=CORPUS[case]), follow=True)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(TargetValue.objects.get().note, CORPUS[case])
                self.assert_escaped(response)
                self.assert_escaped(self.client.get(reverse("reporting:report", args=[self.report.pk])))
                self.assert_escaped(self.client.get(url))
                TargetValue.objects.all().delete()
        self.client.force_login(self.staff)
        self.assert_escaped(self.client.get(reverse("reporting:review")))

    def test_progress_refuses_oversized_and_wrongly_typed_input(self):
        self.client.force_login(self.liaison)
        url = reverse("reporting:progress", args=[self.report.pk, self.task.number])
        valid = {"work_done": "完成调研", "self_status": "on_track", "version": "0"}
        before = self.fingerprints()
        for field in ["work_done", "problems", "next_steps", "coordination_matter"]:
            for case in ("huge", "too_big_for_a_request", "null_byte"):
                with self.subTest(field=field, case=case):
                    response = self.client.post(url, {**valid, field: CORPUS[case]})
                    self.assert_refused(response, before, f"{field}={case}")
        for case, value in CORPUS.items():
            with self.subTest(field="self_status", case=case):
                if case not in ("empty", "blank"):
                    self.assert_refused(self.client.post(url, {**valid, "self_status": value}), before, case)
            with self.subTest(field="version", case=case):
                self.assert_refused(self.client.post(url, {**valid, "version": value}), before, case)
        self.assertFalse(ProgressReport.objects.exists())

    def test_a_narrative_with_script_is_stored_verbatim_and_shown_escaped(self):
        self.client.force_login(self.liaison)
        url = reverse("reporting:progress", args=[self.report.pk, self.task.number])
        narrative = f"{SCRIPT}{CORPUS['html_attr']}{CORPUS['formula']}{CORPUS['emoji']}"
        self.client.post(url, {"work_done": narrative, "self_status": "on_track", "version": "0"})
        self.assertEqual(ProgressReport.objects.get().work_done, narrative)
        form, report = url, reverse("reporting:report", args=[self.report.pk])
        task = reverse("tasks:detail", args=[self.task.number])
        history = reverse("reporting:history", args=[self.report.pk])
        # (user, page, status, whether the draft narrative is on the page): the liaison sees their own
        # draft everywhere; staff correct it (form) but the task page shows approved narratives only;
        # a leader changes nothing (the form is 403).
        expected = [
            (self.liaison, form, 200, True), (self.liaison, report, 200, True),
            (self.liaison, task, 200, True), (self.liaison, history, 200, True),
            (self.staff, form, 200, True), (self.staff, report, 200, True),
            (self.staff, task, 200, False), (self.staff, history, 200, True),
            (self.leader, form, 403, False), (self.leader, report, 200, True),
            (self.leader, task, 200, False), (self.leader, history, 200, True),
        ]
        for user, page, status, shown in expected:
            self.client.force_login(user)
            with self.subTest(user=user.username, page=page):
                response = self.client.get(page)
                self.assertEqual(response.status_code, status)
                self.assert_escaped(response)
                # Shown as the text it is: the script escaped, not dropped.
                self.assertEqual(escape(SCRIPT) in response.content.decode(), shown)

    def test_a_return_reason_refuses_oversized_text(self):
        MonthlyReport.objects.filter(pk=self.report.pk).update(status=MonthlyReport.Status.SUBMITTED)
        self.client.force_login(self.staff)
        before = self.fingerprints()
        # max_length 2000, in Django's words (确保该变量包含不超过 2000 字符 (目前字符数 1048576)。):
        # 1,048,576 characters were sent.
        with translation.override("zh-hans"):
            too_long = str(MaxLengthValidator.message % {"limit_value": 2000, "show_value": 1024 * 1024})
        cases = {
            "huge": too_long,
            "too_big_for_a_request": too_long,
            # "12\x00": the third character is U+0000 (units/text.py).
            "null_byte": "不能包含控制字符、文字方向控制符或零宽字符（第 3 个字符为 U+0000）",
            "empty": "请填写原因。",
        }
        for case, message in cases.items():
            with self.subTest(case=case):
                # The form is prefixed "return" on the report page: its field is return-reason.
                response = self.client.post(
                    reverse("reporting:return", args=[self.report.pk]), {"return-reason": CORPUS[case]}
                )
                self.assertEqual(response.status_code, 400)
                errors = response.context["return_form"].errors["reason"]
                self.assertTrue(any(message in error for error in errors), f"{message!r} not in {errors}")
                self.assertContains(response, message, status_code=400)
                self.assert_escaped(response)
                self.assertEqual(self.fingerprints(), before, case)
        self.report.refresh_from_db()
        self.assertEqual((self.report.status, self.report.return_reason), (MonthlyReport.Status.SUBMITTED, ""))
        # The same form with a plain reason does return the report: the refusals above were the reason's.
        response = self.client.post(reverse("reporting:return", args=[self.report.pk]), {"return-reason": "数据有误"})
        self.assertEqual(response.status_code, 302)
        self.report.refresh_from_db()
        self.assertEqual((self.report.status, self.report.return_reason), (MonthlyReport.Status.RETURNED, "数据有误"))


def xlsx_with(plan, unit, month, edit):
    """A real template from the system with `edit(worksheet_values, worksheet_progress)` applied."""
    wb = load_workbook(io.BytesIO(build_template(plan, unit, month)))
    edit(wb.worksheets[0], wb.worksheets[1])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def first_cell_under(ws, heading):
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == heading:
                return ws.cell(row=cell.row + 1, column=cell.column)
    raise AssertionError(f"no column {heading}")


class ExcelUploadTests(HostileInputTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from units.accounts import create_account
        from units.models import Unit

        cls.unit = Unit.objects.get(code="rcgzj")
        cls.liaison = create_account("rcgzj_liaison", Membership.Role.LIAISON, cls.unit, PASSWORD)

    def upload(self, content, name="月报.xlsx"):
        self.client.force_login(self.liaison)
        return self.client.post(reverse("reports:upload"), {"file": SimpleUploadedFile(name, content)})

    def assert_upload_refused(self, response, before, case, message, status=200, location=""):
        """Refused with `message` (at `location`: sheet, row, column) shown on the page — the file's
        errors, or the form's for an empty file — no preview, nothing pending and no row changed."""
        self.assertEqual(response.status_code, status, case)
        shown = [str(e) for e in response.context["errors"]] + response.context["upload_form"].errors.get("file", [])
        expected = f"{location}：{message}" if location else message
        self.assertTrue(any(expected in error for error in shown), f"{case}: {expected!r} not in {shown}")
        self.assertContains(response, escape(message), status_code=status)
        if location:
            self.assertContains(response, f"<strong>{escape(location)}</strong>", status_code=status)
        self.assertIsNone(response.context["preview"], case)
        self.assert_escaped(response)
        self.assertEqual(self.fingerprints(), before, case)
        self.assertIsNone(self.client.session.get("reports.pending_upload"), case)

    def test_broken_files_are_refused(self):
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", b"<" + b" " * (60 * 1024 * 1024) + b"/>")
        many = io.BytesIO()
        with zipfile.ZipFile(many, "w") as archive:
            for n in range(300):
                archive.writestr(f"xl/part{n}.xml", "<x/>")
        not_xlsx = "文件不是 Excel（.xlsx）格式，请上传从本系统下载并填写的模板。"
        files = {
            "random bytes": (bytes(range(256)) * 100, not_xlsx),
            "html renamed": (f"<html>{SCRIPT}</html>".encode(), not_xlsx),
            "zip, not a workbook": (self.plain_zip(), not_xlsx),
            "zip bomb": (bomb.getvalue(), "文件解压后过大，疑似异常文件，拒绝处理。"),
            "too many parts": (many.getvalue(), "文件内部结构异常（部件过多），拒绝处理。"),
            "truncated template": (build_template(self.plan, self.unit, 6)[:2000], not_xlsx),
        }
        before = self.fingerprints()
        with self.subTest(case="empty"):  # refused by the form itself, before the file is read
            # Django's own message (所提交的是空文件。; an installed app's catalogue may word it differently).
            with translation.override("zh-hans"):
                empty = str(forms.FileField().error_messages["empty"])
            self.assert_upload_refused(self.upload(b""), before, "empty", empty, status=400)
        for case, (content, message) in files.items():
            with self.subTest(case=case):
                self.assert_upload_refused(self.upload(content), before, case, message)
        with self.subTest(case="not .xlsx"):
            self.assert_upload_refused(
                self.upload(build_template(self.plan, self.unit, 6), name="月报.xls"), before, "name", not_xlsx
            )

    @staticmethod
    def plain_zip():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        return buffer.getvalue()

    @override_settings(UPLOAD_XLSX_MAX_BYTES=64 * 1024)
    def test_an_oversized_workbook_is_refused(self):
        before = self.fingerprints()
        # Refused by the form before it is read: 4 + 131,072 bytes = 0.125 MB, shown as 0.1 MB; the
        # 64 KB limit is shown in whole MB (64 KB // 1 MB = 0).
        self.assert_upload_refused(
            self.upload(b"PK\x03\x04" + b"0" * (128 * 1024)), before, "oversized",
            "文件大小 0.1 MB，超过 0 MB 的上限。", status=400,
        )

    def test_bad_values_in_a_real_template_are_refused_row_by_row(self):
        targets = list(targets_for_unit(self.plan, self.unit))
        self.assertTrue(targets)
        before = self.fingerprints()
        cell = "工作表“指标数值” 第 5 行 F 列（本月数值）"  # the first target's row, the value column
        cases = {case: f"“{CORPUS[case]}”不是数字。" for case in ("script", "sql", "formula_dde", "emoji",
                                                                 "number_words", "exponent")}
        cases["formula"] = "单元格内是公式，系统不计算公式，请改为直接填写数值或文字（文字不要以“=”开头）。"
        cases["zero_width"] = "不能包含控制字符、文字方向控制符或零宽字符（第 2 个字符为 U+200B）"
        for case, message in cases.items():
            def edit(values, progress, value=CORPUS[case]):
                first_cell_under(values, "本月数值").value = value
            with self.subTest(case=case):
                response = self.upload(xlsx_with(self.plan, self.unit, 6, edit))
                self.assert_upload_refused(response, before, case, message, location=cell)
                self.assertEqual(len(response.context["errors"]), 1, case)  # that cell only

    def test_script_in_a_narrative_is_shown_escaped_in_the_preview(self):
        def edit(values, progress):
            first_cell_under(progress, "工作进展").value = SCRIPT
            first_cell_under(progress, "自评状态").value = "正常推进"  # required with a narrative
        before = self.fingerprints()
        response = self.upload(xlsx_with(self.plan, self.unit, 6, edit))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["errors"], [])
        changes = response.context["preview"].changes
        self.assertIn(("工作进展", "", SCRIPT), [(c.field, c.old, c.new) for c in changes])
        self.assertContains(response, escape(SCRIPT))  # the preview shows the text, escaped
        self.assert_escaped(response)
        self.assertEqual(self.fingerprints(), before)  # a preview only; nothing saved before confirmation


class FormFinder(HTMLParser):
    """The forms of a page: (method, action, {field name: a value the page offers})."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = (attrs.get("method", "get").lower(), attrs.get("action") or "", {})
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "textarea", "select") and attrs.get("name"):
            if attrs.get("type") in ("submit", "button", "file"):
                return
            self.current[2].setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


FUZZ = ["html_attr", "huge", "null_byte", "sql_quote", "formula"]  # html_attr carries <img src=x …>
CHROME = {"/i18n/setlang/", "/accounts/logout/"}  # the language and logout forms on every page


class EveryFormTests(SweepFixture):
    """Every form on every page a persona can open, found in the HTML: each field in turn gets
    each hostile value. Nothing may answer with a server error or show the value unescaped.
    A form added later is covered without touching this test."""

    def forms_for(self, persona):
        from tests.test_access_sweep import MATRIX, OK, url_patterns

        found = {}
        for name, _route, params in url_patterns():
            if name not in MATRIX or MATRIX[name]["GET"][persona] != OK or name == "healthz":
                continue
            url = self.url_for(name, params)
            response = self.client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            finder = FormFinder()
            finder.feed(response.content.decode())
            for method, action, fields in finder.forms:
                action = action or url
                if action in CHROME or not fields:
                    continue
                found.setdefault((method, action, tuple(sorted(fields))), (url, fields))
        return found

    def fuzz(self, persona, user):
        self.client.raise_request_exception = False  # collect every 500, not just the first
        self.client.force_login(user)
        forms = self.forms_for(persona)
        self.assertGreater(len(forms), 3, "no forms found: has the page markup changed?")
        failures = []
        for (method, action, _names), (page, fields) in forms.items():
            for field in fields:
                if field == "csrfmiddlewaretoken":
                    continue
                for case in FUZZ:
                    data = {**fields, field: CORPUS[case]}
                    with transaction.atomic():
                        self.client.force_login(user)
                        if method == "post":
                            response = self.client.post(action, data)
                        else:
                            response = self.client.get(action, {k: v[:2000] for k, v in data.items()})
                        transaction.set_rollback(True)
                    is_text = response.get("Content-Type", "").startswith("text/")
                    body = response.content.decode(errors="replace") if is_text else ""
                    if response.status_code >= 500:
                        failures.append(
                            f"{method.upper()} {action} (form on {page}) {field}={case}: {response.status_code}"
                        )
                    elif SCRIPT in body or "<img src=x" in body:
                        failures.append(f"{method.upper()} {action} (form on {page}) {field}={case}: shown unescaped")
        self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_every_form_a_liaison_sees(self):
        self.fuzz("own_liaison", self.jxj_liaison)

    def test_every_form_bureau_staff_see(self):
        self.fuzz("staff", self.staff)
