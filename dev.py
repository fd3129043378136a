#!/usr/bin/env python3
"""Development entry point: the README's two Quick start commands.

    python3 dev.py start   # venv + packages, migrate, load the 2023 plan, demo accounts and data,
                           # a Celery worker with beat on the embedded broker, the web server
    python3 dev.py test    # the whole test suite (pytest); extra arguments go to pytest

Needs only Python 3.11+. Everything is installed into .venv/ beside this file.
"""

import hashlib
import os
import signal
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".requirements.sha256"


def run(*args, **kwargs):
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def ensure_venv():
    if sys.version_info < (3, 11):
        sys.exit("wuhan_plan needs Python 3.11 or newer")
    if not PYTHON.exists():
        venv.create(VENV, with_pip=True)
    requirements = (ROOT / "requirements.txt").read_bytes()
    digest = hashlib.sha256(requirements).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != digest:
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-r", "requirements.txt")
        STAMP.write_text(digest)


def start():
    ensure_venv()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    manage = [PYTHON, "manage.py"]
    run(*manage, "migrate", "--noinput", env=env)
    run(*manage, "load_plan", env=env)
    # Demo figures up to November: December stays open, so a demo liaison has a month to report.
    run(*manage, "seed_demo", "--progress", "--until", "2023-11", env=env)
    worker = subprocess.Popen(
        [str(PYTHON), "-m", "celery", "-A", "wuhan_plan", "worker", "--beat", "--loglevel=INFO",
         "--concurrency=1"],
        cwd=ROOT, env=env,
    )
    print("Celery worker and beat started (embedded broker under var/, email written to var/mail/).", flush=True)
    try:
        run(*manage, "runserver", "127.0.0.1:8000", env=env)
    except (KeyboardInterrupt, subprocess.CalledProcessError):
        pass
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def test(args):
    ensure_venv()
    result = subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT)
    sys.exit(result.returncode)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "start":
        start()
    elif command == "test":
        test(sys.argv[2:])
    else:
        sys.exit(__doc__)
