"""The notice pages (/reports/supervision/) and the notices API: a liaison signs for and answers its
unit's notice, staff close or escalate it, each step a history row; another unit's notice is a 404."""

import datetime
from datetime import timedelta

import time_machine
from django.utils import timezone

from api.models import ApiToken
from reports.models import UrgingNotice
from reports.supervision import workflow
from tests.personas import PersonasTestCase
from tests.reminders_support import at

Kind, Status = UrgingNotice.Kind, UrgingNotice.Status


class NoticePagesTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.notice, _created, _ids = workflow.issue(
            cls.plan, Kind.URGE, cls.jxj, UrgingNotice.Cause.OVERDUE, issued_on=datetime.date(2023, 6, 6),
            deadline=datetime.date(2023, 6, 9), month=5, request="请于2023年6月9日前完成报送。",
        )

    def setUp(self):
        super().setUp()
        self.traveller = time_machine.travel(at(2023, 6, 7, 9, 0), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def url(self, step=""):
        return f"/reports/supervision/{self.notice.pk}/{step + '/' if step else ''}"

    def fresh(self):
        return UrgingNotice.objects.get(pk=self.notice.pk)


class LiaisonTests(NoticePagesTestCase):
    def test_it_shows_the_open_notice_on_the_liaisons_home_and_the_unit_page(self):
        self.client.force_login(self.jxj_liaison)
        home = self.client.get("/reporting/")
        self.assertContains(home, "催办单 催办〔2023〕第1号")
        self.assertContains(home, "市经信局2023年5月工作进展逾期未报送")
        self.assertContains(self.client.get("/units/jxj/"), "催办〔2023〕第1号")

    def test_another_units_liaison_sees_nothing_of_it(self):
        self.client.force_login(self.hongshan_liaison)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url("sign"), {"version": 1}).status_code, 404)
        self.assertNotContains(self.client.get("/units/jxj/"), "催办〔2023〕第1号")
        self.assertEqual(self.fresh().status, Status.PENDING)

    def test_it_signs_for_the_notice_and_replies(self):
        self.client.force_login(self.jxj_liaison)
        self.assertContains(self.client.get(self.url()), 'id="sign-form"')
        response = self.client.post(self.url("sign"), {"version": 1}, follow=True)
        self.assertContains(response, "已签收。")
        self.assertContains(response, '<span class="status notice-signed" id="notice-status">已签收</span>', html=True)
        response = self.client.post(self.url("reply"), {"version": 2, "reply": "已于6月7日补报5月进展。",
                                                        "promised_on": "2023-06-08"}, follow=True)
        self.assertContains(response, "办理情况已提交。")
        self.assertContains(response, "已于6月7日补报5月进展。")
        notice = self.fresh()
        self.assertEqual((notice.status, notice.version, notice.signed_by, notice.replied_by),
                         (Status.REPLIED, 3, self.jxj_liaison, self.jxj_liaison))
        self.assertEqual(notice.signed_at, at(2023, 6, 7, 9, 0))
        reasons = [(row.history_change_reason, row.status, row.history_user)
                   for row in notice.history.order_by("history_id")]
        self.assertEqual(reasons, [("印发", "pending", None), ("签收", "signed", self.jxj_liaison),
                                   ("回复办理情况", "replied", self.jxj_liaison)])

    def test_a_bad_reply_is_refused_in_chinese_and_nothing_is_saved(self):
        workflow.sign_for(self.notice, self.jxj_liaison)
        self.client.force_login(self.jxj_liaison)
        response = self.client.post(self.url("reply"), {"version": 2, "reply": "  ", "promised_on": "6月8日"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请填写办理情况。", status_code=400)
        self.assertContains(response, "请输入有效的日期，如 2023-06-30。", status_code=400)
        response = self.client.post(self.url("reply"), {"version": 2, "reply": "补报", "promised_on": "2023-06-01"})
        self.assertContains(response, "承诺办结日期不能早于通知印发日期。", status_code=400)
        notice = self.fresh()
        self.assertEqual((notice.status, notice.version, notice.reply), (Status.SIGNED, 2, ""))
        self.assertEqual(notice.history.count(), 2)

    def test_a_stale_version_is_refused(self):
        workflow.sign_for(self.notice, self.jxj_liaison)  # version 2 now; the form showed version 1
        self.client.force_login(self.jxj_liaison)
        response = self.client.post(self.url("sign"), {"version": 1})
        self.assertContains(response, "该通知已被他人修改，请刷新页面后重试。", status_code=409)
        self.assertEqual(self.fresh().version, 2)

    def test_a_liaison_may_not_close_or_escalate(self):
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.post(self.url("close"), {"version": 1, "note": "x"}).status_code, 403)
        self.assertEqual(self.client.post(self.url("escalate"), {"version": 1}).status_code, 403)
        self.assertEqual(self.client.get("/reports/supervision/").status_code, 403)
        self.assertEqual(self.fresh().status, Status.PENDING)

    def test_anonymous_is_sent_to_sign_in_and_get_is_refused_on_a_step(self):
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.get(self.url("sign")).status_code, 405)
        self.assertEqual(self.fresh().version, 1)


class StaffTests(NoticePagesTestCase):
    def test_staff_list_the_notices_and_filter_them(self):
        self.client.force_login(self.staff)
        page = self.client.get("/reports/supervision/", {"kind": "urge", "open": "true"})
        self.assertContains(page, f'<a href="/reports/supervision/{self.notice.pk}/">催办〔2023〕第1号</a>', html=True)
        self.assertNotContains(self.client.get("/reports/supervision/", {"kind": "supervise"}), "催办〔2023〕第1号")

    def test_staff_close_a_notice_with_a_note(self):
        self.client.force_login(self.staff)
        response = self.client.post(self.url("close"), {"version": 1, "note": ""})
        self.assertContains(response, "请填写办结意见。", status_code=400)
        response = self.client.post(self.url("close"), {"version": 1, "note": "已补报，予以办结。"}, follow=True)
        self.assertContains(response, "已办结。")
        notice = self.fresh()
        self.assertEqual((notice.status, notice.closing_note, notice.closed_by), (Status.CLOSED, "已补报，予以办结。", self.staff))
        self.assertEqual(notice.history.latest("history_id").history_change_reason, "办结")
        self.client.force_login(self.jxj_liaison)
        self.assertNotContains(self.client.get("/reporting/"), "催办〔2023〕第1号")

    def test_staff_escalate_a_urge_notice(self):
        self.client.force_login(self.staff)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("escalate"), {"version": 1}, follow=True)
        self.assertContains(response, "已升级为督办单。")
        supervise = UrgingNotice.objects.get(kind=Kind.SUPERVISE)
        self.assertEqual((supervise.number, supervise.escalated_from_id, str(supervise.deadline)),
                         ("督办〔2023〕第1号", self.notice.pk, "2023-06-12"))
        self.assertEqual(self.fresh().status, Status.ESCALATED)
        self.assertContains(self.client.get("/"), '<span class="notice-supervise">督办单 <strong>1</strong></span>',
                            html=True)

    def test_the_supervise_notice_shows_who_it_was_copied_to(self):
        self.jxj.leader_name, self.jxj.leader_email = "王副局长", "wang.fj@jxj.example.gov.cn"
        self.jxj.save(update_fields=["leader_name", "leader_email"])
        self.client.force_login(self.staff)
        self.client.post(self.url("escalate"), {"version": 1})
        supervise = UrgingNotice.objects.get(kind=Kind.SUPERVISE)
        page = self.client.get(f"/reports/supervision/{supervise.pk}/")
        self.assertContains(page, "<dt>抄送</dt>", html=True)
        self.assertContains(page, "leader（领导） &lt;leader@example.gov.cn&gt; 待发送")
        self.assertContains(page, "王副局长（单位分管领导） &lt;wang.fj@jxj.example.gov.cn&gt; 待发送")
        self.client.force_login(self.jxj_liaison)
        page = self.client.get(f"/reports/supervision/{supervise.pk}/")
        self.assertContains(page, '<span class="notice-copy">王副局长（单位分管领导）</span>', html=True)
        self.assertNotContains(page, "wang.fj@jxj.example.gov.cn")
        self.assertNotContains(self.client.get(self.url()), "<dt>抄送</dt>", html=True)  # the 催办单 copies nobody


class NoticeApiTests(NoticePagesTestCase):
    def test_a_token_reads_the_open_notices(self):
        _token, key = ApiToken.issue("督查室", timezone.now() + timedelta(days=30), self.staff)
        response = self.client.get("/api/v1/notices/", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(response.status_code, 200)
        [row] = response.json()["results"]
        self.assertEqual((row["number"], row["kind"], row["status"], row["unit"]["code"], row["month"]),
                         ("催办〔2023〕第1号", "urge", "pending", "jxj", 5))

    def test_closed_notices_only_when_asked_and_liaisons_see_their_own(self):
        workflow.close(self.notice, self.staff, "已补报")
        self.client.force_login(self.jxj_liaison)
        self.assertEqual(self.client.get("/api/v1/notices/").json()["results"], [])
        self.assertEqual(len(self.client.get("/api/v1/notices/", {"status": "closed"}).json()["results"]), 1)
        self.client.force_login(self.hongshan_liaison)
        self.assertEqual(self.client.get("/api/v1/notices/", {"open": "false"}).json()["results"], [])
        self.assertEqual(self.client.get(f"/api/v1/notices/{self.notice.pk}/").status_code, 404)
