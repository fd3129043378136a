"""The API's OpenAPI 3 schema (drf-spectacular): valid with no warning, served to signed-in users,
documented on a page that loads only this server's files under the site's CSP; and schemathesis
run over every GET operation of it (generated inputs, no 500, responses as the schema says)."""

import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from targets.standing_store import refresh_plan
from tasks.models import Plan
from tests import dashboard_seed
from tests.personas import PASSWORD, PersonasTestCase
from units.accounts import create_account
from units.models import Membership, Unit


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.inline_scripts, self.in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.in_script = True
            if attrs.get("src"):
                self.urls.append(attrs["src"])
            else:
                self.inline_scripts.append("")
        elif tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.urls.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.inline_scripts.append(data)


class SchemaTests(PersonasTestCase):
    def test_it_validates_the_schema_without_a_warning(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "schema.yaml"
            call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
            text = path.read_text()
        self.assertIn("openapi: 3", text)
        for operation in ("/api/v1/target-standings/", "/api/v1/units/{id}/", "/api/v1/coordination-matters/"):
            self.assertIn(f"{operation}:", text)
        self.assertNotIn("post:", text)  # read only
        self.assertIn("tokenAuth", text)

    def test_it_serves_the_schema_to_a_signed_in_user(self):
        self.client.force_login(self.jxj_liaison)
        response = self.client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.json()["openapi"].startswith("3."))

    def test_it_documents_the_api_on_a_page_of_local_assets_only(self):
        self.client.force_login(self.leader)
        response = self.client.get("/api/v1/docs/")
        self.assertEqual(response.status_code, 200)
        csp = response["Content-Security-Policy"]
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-eval", csp)
        page = Assets()
        page.feed(response.content.decode())
        self.assertEqual(page.inline_scripts, [], "an inline script would be refused by the CSP")
        self.assertGreaterEqual(len(page.urls), 4)  # css, bundle, preset, init script (+ favicon)
        for url in page.urls:
            self.assertTrue(url.startswith("/"), f"{url}: not from this server")
            self.assertFalse(url.startswith("//"), url)
            if url.startswith("/static/"):
                self.assertIsNotNone(finders.find(url.removeprefix("/static/")), url)
        init = [url for url in page.urls if "?script" in url]
        self.assertEqual(init, ["/api/v1/docs/?script="])
        script = self.client.get(init[0])
        self.assertEqual(script.status_code, 200)
        self.assertIn("javascript", script["Content-Type"])
        body = script.content.decode()
        self.assertIn('url: "/api/v1/schema/"', body)
        self.assertIn('"validatorUrl": null', body)  # no badge from validator.swagger.io
        self.assertNotIn("http://", body + response.content.decode())
        self.assertNotIn("https://", body + response.content.decode())


# schemathesis over every GET operation, as bureau staff (a session), against this process's WSGI app.
# The schema is generated here (no request needed); bounded: a few examples per operation, no
# coverage phase, and a time limit for the whole run.
SPEC = SchemaGenerator(patterns=None).get_schema(request=None, public=True)
CONFIG = SchemathesisConfig.from_dict({
    "max-time": 120,
    "generation": {"max-examples": 8},
    "phases": {"coverage": {"enabled": False}},
})
SCHEMA = schemathesis.openapi.from_dict(SPEC, config=CONFIG).include(method="GET")
SCHEMA.app = WSGIHandler()


@pytest.fixture
def staff_cookie(db, client):
    """The 2023 plan with its stored standings, two months of approved reports, and bureau staff's session."""
    call_command("loaddata", "plan_2023", verbosity=0)
    plan = Plan.objects.get(code="2023")
    refresh_plan(plan)
    staff = create_account("staff", Membership.Role.STAFF, Unit.objects.get(code="kjj"), PASSWORD)
    dashboard_seed.seed_months(plan, [1, 2], staff=staff)
    client.force_login(staff)
    # As Django's test client does: a request's end must not close the test's database connection
    # (on PostgreSQL that would end the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"sessionid": client.cookies["sessionid"].value}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@SCHEMA.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_answers_every_get_operation_by_its_schema(case, staff_cookie):
    response = case.call(cookies=staff_cookie)
    assert response.status_code < 500, response.text[:500]
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                             content_type_conformance])
