"""Mutation testing of the domain rules with mutmut, in a copy of the working tree.

    .venv/bin/python tests/mutation/run.py              # mutate the rule modules, run their tests
    .venv/bin/python tests/mutation/run.py --results    # the surviving mutants of the last run
    .venv/bin/python tests/mutation/run.py --show NAME  # one mutant's diff
    MUTATION_DIR=var/mutation-upload .venv/bin/python tests/mutation/run.py \
        --module reports/upload/apply.py --test tests/test_upload.py   # another module, its own tests
    .venv/bin/python tests/mutation/run.py --module units/access.py --max-children 1   # one of MODULES
    .venv/bin/python tests/mutation/run.py --module M --test T 'units.access.x_role_of*'  # these mutants only

mutmut reads its configuration from the directory it runs in and writes its mutants there, so
the run happens in a copy of the project under var/mutation/ (the files git tracks or would
track, as they are in the working tree): nothing is written into the tree itself. The rule modules
(MODULES) are mutated; each mutant runs only the tests that call the function it changed, out of
the fast selection TESTS (the rules' SimpleTestCase examples, every figure worked by hand).
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKDIR = Path(os.environ.get("MUTATION_DIR", ROOT / "var" / "mutation"))
MODULES = [
    "targets/progress.py", "targets/forecast.py", "targets/expected_path.py", "tasks/calendar.py",
    "units/access.py", "reports/reminders/delivery.py", "reports/upload/apply.py", "reporting/services/workflow.py",
    "targets/learned_profile.py", "reporting/services/batch.py", "reporting/services/corrections.py",
    "targets/breakdown.py", "reporting/services/entries.py",
]
TESTS = [
    "tests/test_progress_rules.py",
    "tests/test_calendar.py",
    # Pure rules only (SimpleTestCase: no database, ~1 s a mutant); the page tests of the same
    # rules (RulesOnTheTargetListTest) run with the suite.
    "-k",
    "not RulesOnTheTargetListTest",
]
# The rule modules whose tests need the database (several seconds a mutant): `--module M` alone
# runs M against its own selection here rather than against TESTS.
TESTS_OF = {
    "units/access.py": [
        "tests/test_access_rules.py", "tests/test_accounts_manage.py", "tests/test_accounts_hierarchy.py",
        "tests/test_reporting_report.py",
    ],
    "reports/reminders/delivery.py": [
        "tests/test_reminders_tasks.py", "tests/test_send_reminders.py", "tests/test_smtp_delivery.py",
        "tests/test_reminders_concurrency.py", "tests/test_reminders_queries.py", "tests/test_reminders_views.py",
        "tests/test_worker_recovery.py", "tests/test_quick_failures.py", "tests/test_returned_notice.py",
        "tests/test_reminders_claim.py", "tests/test_reminders_delivery_edges.py",
        "tests/test_supervision_ladder.py",  # the urging notices' emails
    ],
    "reports/upload/apply.py": [
        "tests/test_upload.py", "tests/test_upload_columns.py", "tests/test_upload_duplicates.py",
        "tests/test_upload_refusals.py", "tests/test_import_progress.py",  # the command checks unit and month
    ],
    # The batch save of a month's entries: its only caller is the upload (the web page and the
    # import_progress command); its queries are counted in tests/test_upload_queries.py.
    "reporting/services/batch.py": [
        "tests/test_upload.py", "tests/test_upload_columns.py", "tests/test_upload_duplicates.py",
        "tests/test_upload_refusals.py", "tests/test_upload_queries.py", "tests/test_import_progress.py",
        "tests/test_plain_text.py", "tests/test_one_sitting_forms.py", "tests/test_hostile_input.py",
        "tests/test_upload_batch_edges.py",
    ],
    # The rule's worked examples, and the pages that word it (profile_note, profile_text).
    "targets/learned_profile.py": ["tests/test_learned_profile.py", "tests/test_target_earlier_years.py"],
    # The city figure from its districts' shares: the worked examples, the breakdown pages, the plan's structure.
    "targets/breakdown.py": [
        "tests/test_breakdown_rules.py", "tests/test_target_breakdown.py", "tests/test_plan_structure.py",
    ],
    # A value's and a narrative's checks and save (the forms'): the entry pages, history, data quality and edges.
    "reporting/services/entries.py": [
        "tests/test_reporting_entries_edges.py", "tests/test_reporting_values.py", "tests/test_reporting_progress.py",
        "tests/test_reporting_services.py", "tests/test_one_sitting_forms.py", "tests/test_reporting_history.py",
        "tests/test_plain_text.py", "tests/test_reporting_submit.py", "tests/test_data_quality.py",
    ],
    # Restoring a version, closing and opening a month: their pages, history and edges.
    "reporting/services/corrections.py": [
        "tests/test_reporting_corrections_edges.py", "tests/test_reporting_history.py", "tests/test_reporting_months.py",
        "tests/test_reporting_services.py", "tests/test_access_rules.py",
    ],
    # Submit, approve, return, reopen: the services' own tests, the review pages, the returned email, history.
    "reporting/services/workflow.py": [
        "tests/test_reporting_services.py", "tests/test_reporting_review.py", "tests/test_returned_notice.py",
        "tests/test_reporting_history.py", "tests/test_reporting_submit.py", "tests/test_reporting_review_edges.py",
    ],
}
MUTMUT = Path(sys.executable).with_name("mutmut")

SETUP_CFG = """\
[mutmut]
source_paths =
{sources}
only_mutate =
{modules}
also_copy =
{also_copy}
pytest_add_cli_args_test_selection =
{tests}
use_git_change_detection = false
"""


def indented(lines):
    return "\n".join(f"    {line}" for line in lines)


def copy_tree(modules, tests):
    """The working tree's files (tracked, or untracked and not ignored) into WORKDIR."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    if WORKDIR.exists():
        shutil.rmtree(WORKDIR)
    WORKDIR.mkdir(parents=True)
    for name in filter(None, listed):
        source = ROOT / name
        if not source.is_file() or name.startswith("var/"):
            continue  # deleted in the working tree, or our own output
        target = WORKDIR / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    sources = sorted({module.split("/")[0] for module in modules})
    # Everything else at the top of the project goes into mutants/ as it is: the apps, settings,
    # templates, fixtures and pytest.ini the tests need.
    also_copy = sorted(path.name for path in WORKDIR.iterdir() if path.name not in sources)
    (WORKDIR / "setup.cfg").write_text(
        SETUP_CFG.format(
            sources=indented(sources), modules=indented(modules), also_copy=indented(also_copy),
            tests=indented(tests),
        ),
        encoding="utf-8",
    )


def mutmut(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wuhan_plan.settings", "WUHAN_PLAN_TESTING": "1"}
    env.pop("DATABASE_URL", None)  # SQLite in memory: the selection needs no server
    return subprocess.run([str(MUTMUT), *args], cwd=WORKDIR, env=env).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", action="store_true", help="list the surviving mutants of the last run")
    parser.add_argument("--show", metavar="NAME", help="show one mutant's diff")
    parser.add_argument("--max-children", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--module", action="append", help="mutate this module instead of MODULES (repeatable)")
    parser.add_argument("--test", action="append", help="pytest argument instead of TESTS (repeatable)")
    parser.add_argument("mutants", nargs="*", help="run only these mutants (names or fnmatch patterns)")
    options = parser.parse_args()
    if options.results:
        return mutmut("results")
    if options.show:
        return mutmut("show", options.show)
    modules = options.module or MODULES[:4]  # the database-free rules; the others one at a time
    tests = options.test or sorted({test for module in modules for test in TESTS_OF.get(module, [])}) or TESTS
    copy_tree(modules, tests)
    code = mutmut("run", "--max-children", str(options.max_children), *options.mutants)
    mutmut("results")
    return code


if __name__ == "__main__":
    sys.exit(main())
