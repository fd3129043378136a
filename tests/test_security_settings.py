"""Production settings and response headers: check --deploy, CSP, no inline script."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from tests.personas import PersonasTestCase

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates"] + [
    p for p in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in p.parts
]


def production_env(tmp, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("WUHAN_PLAN_TESTING", "DEBUG", "SECRET_KEY")}
    env.update({
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "kjj.example.gov.cn",
        "VAR_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "wuhan_plan.settings",
    })
    env.update(extra)
    return env


def run_manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


class DeploySettingsTests(TestCase):
    def test_check_deploy_passes_without_warnings(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            result = run_manage(production_env(tmp), "check", "--deploy", "--fail-level", "WARNING")
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        self.assertNotIn("WARNINGS", output)
        self.assertIn("no issues", output)

    def test_production_settings_are_https_only(self):
        import tempfile

        code = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
                " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG)")
        with tempfile.TemporaryDirectory() as tmp:
            result = run_manage(production_env(tmp), "shell", "-c", code)
        self.assertEqual(result.stdout.split()[-5:], ["True", "True", "True", "True", "False"], result.stderr)

    def test_it_leaves_the_benchmark_tools_out_of_production(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            result = run_manage(production_env(tmp), "help", "--commands")
            development = run_manage({**production_env(tmp), "DEV_TOOLS": "1"}, "help", "--commands")
        self.assertEqual(result.returncode, 0, result.stderr)
        for command in ("bench", "loadtest", "generate_scale_data"):
            self.assertNotIn(command, result.stdout.split())
            self.assertIn(command, development.stdout.split())

    def test_production_refuses_to_start_without_a_secret_key(self):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            env = production_env(tmp)
            del env["SECRET_KEY"]
            result = run_manage(env, "check")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY", result.stderr)


class HeaderTests(PersonasTestCase):
    def assert_secure_headers(self, response):
        csp = response["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in (p.strip() for p in csp.split(";")) if part
        )
        self.assertEqual(directives["default-src"], ["'self'"])
        self.assertEqual(directives["script-src"], ["'self'"])
        self.assertEqual(directives["object-src"], ["'none'"])
        self.assertEqual(directives["frame-ancestors"], ["'none'"])
        self.assertEqual(directives["form-action"], ["'self'"])
        for sources in directives.values():
            for source in sources:
                self.assertIn(source, ["'self'", "'none'", "'unsafe-inline'", "data:"], csp)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "same-origin")

    def test_pages_carry_the_csp_and_secure_headers(self):
        self.assert_secure_headers(self.client.get(reverse("login")))
        self.client.force_login(self.staff)
        self.assert_secure_headers(self.client.get(reverse("account_manage")))
        self.assert_secure_headers(self.client.get(reverse("audit_log")))

    def test_the_session_cookie_is_http_only(self):
        response = self.client.post(reverse("login"), {"username": "staff", "password": "Demo-Passw0rd!"})
        self.assertTrue(response.cookies["sessionid"]["httponly"])
        self.assertEqual(response.cookies["sessionid"]["samesite"], "Lax")


class TemplateTests(TestCase):
    def template_files(self):
        files = [p for d in TEMPLATE_DIRS for p in d.rglob("*.html")]
        self.assertGreater(len(files), 5)
        return files

    def test_no_template_has_an_inline_script(self):
        offenders = []
        for path in self.template_files():
            text = path.read_text()
            for tag in re.findall(r"<script\b[^>]*>", text, flags=re.I):
                if not re.search(r"\bsrc\s*=", tag) and 'type="application/json"' not in tag:
                    offenders.append(f"{path}: {tag}")
        self.assertEqual(offenders, [])

    def test_no_template_has_an_inline_event_handler_or_javascript_url(self):
        offenders = []
        for path in self.template_files():
            text = path.read_text()
            if re.search(r"<[^>]+\son[a-z]+\s*=", text, flags=re.I) or "javascript:" in text.lower():
                offenders.append(str(path))
        self.assertEqual(offenders, [])

    def test_no_template_loads_anything_from_outside(self):
        offenders = []
        for path in self.template_files():
            for url in re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']+""", path.read_text(), flags=re.I):
                offenders.append(f"{path}: {url}")
        self.assertEqual(offenders, [])


class CsrfTests(PersonasTestCase):
    def test_a_forged_post_without_the_token_is_refused(self):
        from django.contrib.auth import get_user_model
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.staff)
        users = get_user_model().objects.count()
        response = client.post(reverse("account_create"), {
            "username": "forged", "full_name": "伪造", "role": "liaison", "unit": self.jxj.pk,
        })
        self.assertEqual(response.status_code, 403)
        self.assertEqual(get_user_model().objects.count(), users)
        self.assertEqual(client.post(reverse("account_deactivate", args=[self.jxj_liaison.pk])).status_code, 403)
        self.jxj_liaison.refresh_from_db()
        self.assertTrue(self.jxj_liaison.is_active)

    def test_a_form_with_the_token_from_the_page_is_accepted(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.staff)
        client.get(reverse("account_create"))
        token = client.cookies["csrftoken"].value
        response = client.post(reverse("account_create"), {
            "csrfmiddlewaretoken": token, "username": "jxj_new", "full_name": "新人", "role": "liaison",
            "unit": self.jxj.pk,
        })
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "账户已创建")
        # Replaying the same form changes nothing: the name is taken now.
        response = client.post(reverse("account_create"), {
            "csrfmiddlewaretoken": token, "username": "jxj_new", "full_name": "新人", "role": "liaison",
            "unit": self.jxj.pk,
        })
        self.assertContains(response, "该用户名已被使用")
