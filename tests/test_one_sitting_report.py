"""Filing a month in one sitting (issue 18): the stepper on a report's pages — the count, the list of
tasks with their state, "保存并填写下一项" to the next task still missing progress, then the values,
then the report page — the 存在问题 hints before saving, and messages that link to the next step."""

import re

from reporting import services
from tasks.models import ProgressReport
from tasks.reporting import targets_for_unit, tasks_for_unit
from tests.reporting_base import ReportingTestCase


class SaveAndNextTests(ReportingTestCase):
    def progress_url(self, report, number):
        return f"/reporting/{report.pk}/tasks/{number}/"

    def post_data(self, **overrides):
        data = self.progress_data(**overrides)
        data["needs_coordination"] = "on" if data["needs_coordination"] else ""
        data["version"] = 0
        return data

    def test_it_counts_the_month_and_lists_every_task_with_its_state(self):
        tasks = list(tasks_for_unit(self.plan, self.hongshan))
        services.save_progress(self.hongshan_report, tasks[0], **self.progress_data(), user=self.hongshan_liaison)
        self.login(self.hongshan_liaison)
        response = self.client.get(self.progress_url(self.hongshan_report, tasks[1].number))
        self.assertContains(response, f"已填写 1/{len(tasks)} 项任务进展，指标 0/0 项")
        html = response.content.decode()
        for task in tasks:
            self.assertIn(f'id="step-task-{task.number}"', html)
        first = re.search(rf'id="step-task-{tasks[0].number}"[^>]*class="([^"]+)"', html).group(1)
        second = re.search(rf'id="step-task-{tasks[1].number}"[^>]*class="([^"]+)"', html).group(1)
        self.assertEqual((first, second), ("step-done", "step-todo step-current"))

    def test_save_and_next_goes_to_the_next_task_missing_progress_then_to_the_report(self):
        tasks = list(tasks_for_unit(self.plan, self.hongshan))
        for task in tasks[2:]:
            services.save_progress(self.hongshan_report, task, **self.progress_data(), user=self.hongshan_liaison)
        self.login(self.hongshan_liaison)
        # from the first task: the second is the next one missing
        response = self.client.post(self.progress_url(self.hongshan_report, tasks[0].number),
                                    {**self.post_data(), "next": "1"})
        self.assertRedirects(response, self.progress_url(self.hongshan_report, tasks[1].number))
        # the last one missing: 洪山区 reports no figures, so the report page, where it is submitted
        response = self.client.post(self.progress_url(self.hongshan_report, tasks[1].number),
                                    {**self.post_data(), "next": "1"}, follow=True)
        self.assertRedirects(response, f"/reporting/{self.hongshan_report.pk}/")
        link = f'<a class="next-step" href="/reporting/{self.hongshan_report.pk}/">核对并报送</a>'
        self.assertContains(response, link, html=True)
        self.assertEqual(ProgressReport.objects.filter(report=self.hongshan_report).count(), len(tasks))

    def test_save_and_next_goes_round_to_an_earlier_task_and_then_to_the_values(self):
        tasks = list(tasks_for_unit(self.plan, self.jrj))  # 19 and 21; 市地方金融局 reports figures too
        self.login(self.jrj_liaison)
        next_please = {**self.post_data(), "next": "1"}
        response = self.client.post(self.progress_url(self.jrj_report, tasks[-1].number), next_please)
        self.assertRedirects(response, self.progress_url(self.jrj_report, tasks[0].number))
        response = self.client.post(self.progress_url(self.jrj_report, tasks[0].number), next_please)
        self.assertRedirects(response, f"/reporting/{self.jrj_report.pk}/values/")

    def test_plain_save_stays_on_the_report_and_its_message_links_to_the_next_step(self):
        tasks = list(tasks_for_unit(self.plan, self.hongshan))
        self.login(self.hongshan_liaison)
        response = self.client.post(self.progress_url(self.hongshan_report, tasks[0].number), self.post_data(),
                                    follow=True)
        self.assertRedirects(response, f"/reporting/{self.hongshan_report.pk}/")
        self.assertContains(response, f"已保存任务 {tasks[0].number} 的月度进展。")
        second = tasks[1].number
        url = self.progress_url(self.hongshan_report, second)
        self.assertContains(response, f'href="{url}">填写下一项：任务 {second}')

    def test_the_values_form_saves_and_goes_to_the_first_task_missing(self):
        self.login(self.jrj_liaison)
        rows = {f"t{t.pk}_version": "0" for t in targets_for_unit(self.plan, self.jrj, 3)}
        rows[f"t{self.fund_size.pk}_value"] = "9"
        response = self.client.post(f"/reporting/{self.jrj_report.pk}/values/", {**rows, "next": "1"})
        first = tasks_for_unit(self.plan, self.jrj).first()
        self.assertRedirects(response, self.progress_url(self.jrj_report, first.number))


class ProblemsHintTests(ReportingTestCase):
    def test_the_page_says_before_saving_that_a_task_behind_needs_problems(self):
        task21 = self.plan.tasks.get(number=21)  # T16 belongs to it
        self.login(self.jrj_liaison)
        url = f"/reporting/{self.jrj_report.pk}/tasks/21/"
        self.assertNotContains(self.client.get(url), 'id="problems-hint-targets"')
        services.save_target_value(self.jrj_report, self.loan_growth, value="1", user=self.jrj_liaison)  # far behind
        self.assertTrue(services.progress_problems_required(self.jrj_report, task21, "on_track"))
        response = self.client.get(url)
        self.assertContains(response, "本任务的指标本月落后于时间进度，须填写存在问题。")
        self.assertContains(response, '<span class="status status-behind">须填写存在问题</span>', html=True)

    def test_the_self_status_hint_is_there_for_the_script_and_the_script_is_a_static_file(self):
        self.login(self.jxj_liaison)
        response = self.client.get(f"/reporting/{self.jxj_report.pk}/tasks/7/")
        html = response.content.decode()
        self.assertIn('data-behind-value="behind"', html)
        self.assertRegex(html, r'<p class="notice problems-hint" id="problems-hint-status" hidden>')
        self.assertIn('<script src="/static/js/progress_form.js"></script>', html)
        self.assertNotRegex(html, r"<script>(?!</script>)")  # no inline script (the CSP allows 'self' only)

    def test_a_refused_behind_status_keeps_the_hint_shown(self):
        self.login(self.jxj_liaison)
        data = {**self.progress_data(self_status="behind"), "needs_coordination": "", "version": 0}
        response = self.client.post(f"/reporting/{self.jxj_report.pk}/tasks/7/", data)
        self.assertContains(response, "须填写存在问题")
        self.assertContains(response, '<p class="notice problems-hint" id="problems-hint-status">')


class ContinueFromHomeTests(ReportingTestCase):
    def test_the_home_page_continues_where_the_liaison_stopped(self):
        december = services.get_or_create_report(self.plan, self.hongshan, 12)  # the month due now
        tasks = list(tasks_for_unit(self.plan, self.hongshan))
        services.save_progress(december, tasks[0], **self.progress_data(), user=self.hongshan_liaison)
        self.login(self.hongshan_liaison)
        response = self.client.get("/reporting/")
        self.assertContains(response, f"已填写 1/{len(tasks)} 项任务进展，指标 0/0 项")
        url = f"/reporting/{december.pk}/tasks/{tasks[1].number}/"
        link = f'<a class="button" id="continue" href="{url}">填写下一项：任务 {tasks[1].number}</a>'
        self.assertContains(response, link, html=True)


class InEnglishTests(ReportingTestCase):
    def test_the_stepper_speaks_english_after_switching(self):
        self.login(self.hongshan_liaison)
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/reporting/"})
        number = tasks_for_unit(self.plan, self.hongshan).first().number
        response = self.client.get(f"/reporting/{self.hongshan_report.pk}/tasks/{number}/")
        total = tasks_for_unit(self.plan, self.hongshan).count()
        self.assertContains(response, f"Progress filled in for 0/{total} tasks, 0/0 figures")
        self.assertContains(response, "Save and go to the next item")
        self.assertContains(response, "Assessed as behind schedule: fill in the problems.")
        self.assertContains(response, "Choose a file")
