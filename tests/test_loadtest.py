"""The parts of `manage.py loadtest` that need neither gunicorn nor wrk."""

from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from benchmarks.management.commands.loadtest import LUA, USER_PREFIX, Command
from tests.personas import PersonasTestCase

pytestmark = pytest.mark.benchmark  # slow: run once per CI run (tests/conftest.py)


class LoadtestTests(PersonasTestCase):
    def test_it_makes_sessions_that_sign_a_leader_in(self):
        users, keys = Command().make_sessions(3)

        self.assertEqual(len(set(keys)), 3)
        self.assertTrue(all(u.username.startswith(USER_PREFIX) for u in users))
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = keys[1]
        response = client.get("/targets/", secure=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.wsgi_request.user, users[1])

    def test_it_replaces_leftover_accounts_of_an_interrupted_run(self):
        Command().make_sessions(2)
        Command().make_sessions(2)

        self.assertEqual(get_user_model().objects.filter(username__startswith=USER_PREFIX).count(), 2)

    def test_it_reads_the_numbers_the_lua_script_prints(self):
        output = (
            "Running 1m test @ http://127.0.0.1:8106\n"
            'LOADTEST_JSON {"requests": 300, "duration_us": 60000000, "p50_us": 1000, "p95_us": 2000, '
            '"p99_us": 3000, "max_us": 4000, "not_200": 0, "connect": 0, "read": 0, "write": 0, "status": 0, '
            '"timeout": 0}\n'
        )
        self.assertEqual(Command().parse(output)["p95_us"], 2000)
        with self.assertRaises(CommandError):
            Command().parse("no summary")

    def test_it_counts_every_answer_but_200_as_an_error_in_the_script(self):
        script = LUA % {"paths": '"/"', "cookies": '"abc"', "cookie_name": "sessionid", "max_requests": 10}

        self.assertIn("if status ~= 200 then", script)
        self.assertIn('{["Cookie"] = "sessionid=" .. cookie}', script)
        self.assertIn("latency:percentile(95)", script)

    def test_the_mixed_workload_adds_filtered_sorted_and_other_month_views_that_answer(self):
        paths = Command().filtered_paths()

        self.assertEqual(
            [p.split("=")[0] for p in paths[:4]], ["/?month", "/targets/?month", "/targets/?status", "/targets/?sort"]
        )
        self.assertTrue(any(p.startswith("/targets/?task=") and "&kind=" in p for p in paths))
        self.assertNotIn("/targets/?page=2", paths)  # 43 targets: one page
        client = Client()
        client.force_login(self.leader)
        for path in paths:
            self.assertEqual(client.get(path, secure=True).status_code, 200, path)

    def run_loadtest(self, default, mixed, **options):
        """`manage.py loadtest` with gunicorn and wrk replaced: wrk "returns" `default` then `mixed`."""
        out = StringIO()
        runs = iter([default, mixed])
        command = "benchmarks.management.commands.loadtest"
        with mock.patch(f"{command}.shutil.which", return_value="/usr/bin/wrk"), \
                mock.patch(f"{command}.call_command"), \
                mock.patch.object(Command, "start_gunicorn", return_value=object()), \
                mock.patch.object(Command, "wait_until_up"), \
                mock.patch.object(Command, "check_page") as check_page, \
                mock.patch.object(Command, "stop"), \
                mock.patch.object(Command, "run_wrk", side_effect=lambda *args: next(runs)) as run_wrk:
            call_command("loadtest", users=2, duration=1, stdout=out, stderr=StringIO(), **options)
        return out.getvalue(), check_page, run_wrk

    def test_it_prints_both_throughputs_and_their_ratio(self):
        output, check_page, run_wrk = self.run_loadtest(wrk_stats(600), wrk_stats(570))

        self.assertRegex(output, r"(?m)^default: +600 requests in 60\.0 s = 10\.0 requests/s; .* errors: 0 ")
        self.assertRegex(output, r"(?m)^mixed: +570 requests in 60\.0 s = 9\.5 requests/s; .* errors: 0 ")
        self.assertIn("mixed / default throughput: 95% — ok (≥ 90%); errors: 0 — ok (zero)", output)
        self.assertRegex(output, r"Load average at start: \d+\.\d\d")
        default_paths, mixed_paths = (call.args[4] for call in run_wrk.call_args_list)
        self.assertEqual(default_paths, ["/", "/targets/"])
        self.assertEqual(mixed_paths[:2], ["/", "/targets/"])
        self.assertGreater(len(mixed_paths), 4)
        # Every path of both workloads is checked before the load starts.
        self.assertEqual({call.args[1] for call in check_page.call_args_list}, set(mixed_paths))
        self.assertFalse(get_user_model().objects.filter(username__startswith=USER_PREFIX).exists())

    def test_a_slower_mixed_workload_is_a_missed_target(self):
        output, _, _ = self.run_loadtest(wrk_stats(600), wrk_stats(500))
        self.assertIn("mixed / default throughput: 83% — MISSED (≥ 90%)", output)

        with self.assertRaises(SystemExit) as exit:
            self.run_loadtest(wrk_stats(600), wrk_stats(500), strict=True)
        self.assertEqual(exit.exception.code, 2)

    def test_any_error_under_load_fails_the_run(self):
        with self.assertRaises(SystemExit) as exit:
            self.run_loadtest(wrk_stats(600), wrk_stats(600, not_200=1))
        self.assertEqual(exit.exception.code, 1)


def wrk_stats(requests, not_200=0):
    return {
        "requests": requests, "duration_us": 60_000_000, "p50_us": 1000, "p95_us": 2000, "p99_us": 3000,
        "max_us": 4000, "not_200": not_200, "connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0,
    }
