"""The house: the apps depend one way, as .importlinter's contract says (the README's code map).

Runs import-linter's own command, so the check is the library's, not ours.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)


class LayersTests(SimpleTestCase):
    def test_it_keeps_every_import_linter_contract_with_nothing_ignored(self):
        config = (ROOT / ".importlinter").read_text()
        self.assertNotIn("ignore_imports", config)  # no exception may be listed
        self.assertIn("type = layers", config)
        command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
        result = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("0 broken", result.stdout)
