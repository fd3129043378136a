"""The parts of `manage.py loadtest` that need neither gunicorn nor wrk."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError
from django.test import Client

from targets.management.commands.loadtest import LUA, USER_PREFIX, Command
from tests.personas import PersonasTestCase


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
            '"p99_us": 3000, "max_us": 4000, "not_200": 0, "connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}\n'
        )
        self.assertEqual(Command().parse(output)["p95_us"], 2000)
        with self.assertRaises(CommandError):
            Command().parse("no summary")

    def test_it_counts_every_answer_but_200_as_an_error_in_the_script(self):
        script = LUA % {"paths": '"/"', "cookies": '"abc"', "cookie_name": "sessionid", "max_requests": 10}

        self.assertIn("if status ~= 200 then", script)
        self.assertIn('{["Cookie"] = "sessionid=" .. cookie}', script)
        self.assertIn("latency:percentile(95)", script)
