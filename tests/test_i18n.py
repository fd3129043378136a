"""The English catalogue: complete, compiled from the current .po, and used when a user switches language.

The UI is written in Chinese (zh-hans, LANGUAGE_CODE); locale/en/LC_MESSAGES/django.po holds the
English translation of every string marked for translation, and django.mo (committed, since a fresh
machine may lack gettext) is compiled from it.
"""

import ast
import gettext as gnu_gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import translation

from tests import dashboard_seed
from tests.personas import PersonasTestCase

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdfr]")


def parse_po(path):
    """The entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr (a list), flags.

    A small reader for what makemessages writes (polib is not a requirement): entries are separated
    by blank lines; a keyword line may be followed by continuation lines of quoted strings.
    """
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": [], "flags": set()}
        field = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                if field == "msgstr":
                    entry["msgstr"][-1] += _unquote(line)
                else:
                    entry[field] += _unquote(line)
            else:
                keyword, _space, quoted = line.partition(" ")
                field = "msgstr" if keyword.startswith("msgstr") else keyword
                if field == "msgstr":
                    entry["msgstr"].append(_unquote(quoted))
                else:
                    entry[field] = _unquote(quoted)
        if entry["msgid"]:  # not the header (empty msgid) nor a comment-only block
            entries.append(entry)
    return entries


def _unquote(quoted):
    return ast.literal_eval(quoted)  # PO strings use C escapes, as Python string literals do


def translate(entry):
    """What the running Django returns for the entry, in every plural form."""
    context, msgid, plural = entry["msgctxt"], entry["msgid"], entry["msgid_plural"]
    if plural:
        if context:
            return [translation.npgettext(context, msgid, plural, n) for n in (1, 2)]
        return [translation.ngettext(msgid, plural, n) for n in (1, 2)]
    if context:
        return [translation.pgettext(context, msgid)]
    return [translation.gettext(msgid)]


class CatalogueTest(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.entries = parse_po(PO_FILE)

    def test_it_reads_the_whole_catalogue(self):
        msgids = PO_FILE.read_text(encoding="utf-8").count("\nmsgid ") - 1  # minus the header
        self.assertEqual(len(self.entries), msgids)
        self.assertGreater(len(self.entries), 600)

    def test_it_translates_every_entry(self):
        untranslated = [e["msgid"] for e in self.entries if not all(e["msgstr"])]
        fuzzy = [e["msgid"] for e in self.entries if "fuzzy" in e["flags"]]
        self.assertEqual(untranslated, [])
        self.assertEqual(fuzzy, [])
        self.assertNotIn("#, fuzzy", PO_FILE.read_text(encoding="utf-8"))

    def test_it_writes_plural_forms_for_english(self):
        self.assertIn('"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', PO_FILE.read_text(encoding="utf-8"))
        plurals = [e for e in self.entries if e["msgid_plural"]]
        self.assertTrue(plurals)
        for entry in plurals:
            self.assertEqual(len(entry["msgstr"]), 2, entry["msgid"])

    def test_it_keeps_every_placeholder(self):
        for entry in self.entries:
            if "python-format" not in entry["flags"]:
                continue
            expected = sorted(PLACEHOLDER.findall(entry["msgid"]))
            for msgstr in entry["msgstr"]:
                self.assertEqual(sorted(PLACEHOLDER.findall(msgstr)), expected, entry["msgid"])

    def test_it_serves_every_translation_in_english(self):
        with translation.override("en"):
            served = [(e["msgctxt"], e["msgid"], translate(e)) for e in self.entries]
        expected = [(e["msgctxt"], e["msgid"], e["msgstr"]) for e in self.entries]
        stale = [got for got, want in zip(served, expected) if got != want]
        self.assertEqual(stale, [])  # the .mo Django loads says what the .po says
        with translation.override("zh-hans"):
            self.assertEqual(translation.gettext("时间进度"), "时间进度")
        with translation.override("en"):
            self.assertEqual(translation.gettext("时间进度"), "Time progress")

    def test_it_commits_a_mo_compiled_from_the_current_po(self):
        committed = _catalog(MO_FILE)
        self.assertIn("时间进度", committed)
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            self.skipTest("gettext's msgfmt is not installed: the comparison with a fresh .mo is skipped")
        fresh_mo = Path(self.enterContext(tempfile.TemporaryDirectory(prefix="i18n-"))) / "django.mo"
        subprocess.run([msgfmt, "--check", "-o", str(fresh_mo), str(PO_FILE)], check=True, capture_output=True)
        fresh = _catalog(fresh_mo)
        # The header (creation dates) may differ; every translated string must not.
        self.assertEqual({k: v for k, v in committed.items() if k}, {k: v for k, v in fresh.items() if k})


# The command the catalogue's header names; what it skips holds no user-facing string.
MAKEMESSAGES_IGNORES = [".venv", "var", "fixtures", "tests"]
IN_CI = os.environ.get("CI", "").lower() == "true"


class CatalogueCompletenessTest(SimpleTestCase):
    """The catalogue holds every string the code marks, and nothing else: makemessages run on a copy
    of the sources adds no entry and drops none (a string added without its English fails here)."""

    def test_it_holds_every_string_the_code_marks_for_translation(self):
        if shutil.which("xgettext") is None:
            if IN_CI:
                self.fail("gettext is not installed (.ci/run installs it)")
            self.skipTest("gettext's xgettext is not installed: apt-get install gettext")
        base = Path(settings.BASE_DIR)
        copy = Path(self.enterContext(tempfile.TemporaryDirectory(prefix="i18n-sources-")))
        for path in base.iterdir():
            if path.name in MAKEMESSAGES_IGNORES or path.name.startswith("."):
                continue
            if path.is_dir():
                shutil.copytree(path, copy / path.name, ignore=shutil.ignore_patterns("__pycache__"))
            elif path.suffix == ".py":
                shutil.copy2(path, copy / path.name)
        command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"]
        command += [f"--ignore={name}" for name in MAKEMESSAGES_IGNORES]
        env = {**os.environ, "DEBUG": "1", "VAR_DIR": str(copy / "var")}
        subprocess.run(command, cwd=copy, env=env, check=True, capture_output=True)
        fresh = {(e["msgctxt"], e["msgid"]) for e in parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")}
        committed = {(e["msgctxt"], e["msgid"]) for e in parse_po(PO_FILE)}
        self.assertEqual(sorted(fresh - committed, key=str), [], "marked for translation but not in the catalogue")
        self.assertEqual(sorted(committed - fresh, key=str), [], "in the catalogue but no longer in the code")


def _catalog(mo_path):
    with mo_path.open("rb") as handle:
        return dict(gnu_gettext.GNUTranslations(handle)._catalog)


class LanguageSwitchTest(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        dashboard_seed.seed_months(cls.plan, [1, 2, 3], staff=cls.staff)

    def switch_to_english(self):
        response = self.client.post("/i18n/setlang/", {"language": "en", "next": reverse("overview")})
        self.assertRedirects(response, reverse("overview"), fetch_redirect_response=False)

    def test_it_shows_the_overview_in_english_after_switching(self):
        self.client.force_login(self.leader)
        self.switch_to_english()
        response = self.client.get(reverse("overview"), {"month": 3})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<html lang="en">')
        for english in ("Overview", "Targets", "Time progress", "On track", "Not reported",
                        "Summary by section", "Matters needing city-level coordination (open)",
                        "As of end of month 3", "中文"):
            self.assertContains(response, english)
        for chinese in ("时间进度", "总览", "指标完成情况", "分板块汇总", "截至3月底", "正常", "未报送", "修改密码"):
            self.assertNotContains(response, chinese)
        # The chart is built in Python: its labels are English too, the data (target names) stay Chinese.
        figure = response.context["completion_figure"]
        self.assertIn("Target completion and time progress (as of end of month 3)", figure["layout"]["title"]["text"])
        names = [name for trace in figure["data"] for name in trace["y"][1]]
        self.assertIn("T08 高新技术企业数", names)

    def test_it_shows_the_target_list_in_english_after_switching(self):
        self.client.force_login(self.leader)
        self.switch_to_english()
        response = self.client.get(reverse("targets:list"))
        self.assertEqual(response.status_code, 200)
        for english in ("Target completion", "Time progress", "Year-end forecast", "Reporting unit",
                        "On track", "Filter", "Download Excel"):
            self.assertContains(response, english)
        for chinese in ("时间进度", "预计全年", "报送单位", "指标完成情况", "筛选", "下载 Excel", "正常"):
            self.assertNotContains(response, chinese)
        self.assertContains(response, "高新技术企业数")  # data is not translated

    def test_it_shows_chinese_by_default(self):
        self.client.force_login(self.leader)
        for url in (reverse("overview"), reverse("targets:list")):
            response = self.client.get(url)
            self.assertContains(response, "时间进度")
            self.assertContains(response, "English")  # the switch offers the other language
            self.assertNotContains(response, "Time progress")
            self.assertNotContains(response, "On track")

    def test_it_switches_back_to_chinese(self):
        self.client.force_login(self.leader)
        self.switch_to_english()
        self.client.post("/i18n/setlang/", {"language": "zh-hans", "next": reverse("overview")})
        response = self.client.get(reverse("overview"))
        self.assertContains(response, "时间进度")
        self.assertNotContains(response, "Time progress")
