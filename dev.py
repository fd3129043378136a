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
import time
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".requirements.sha256"
URL = "http://127.0.0.1:8000/"
BLOCK = """
======================================================================
武汉市科技创新工作要点调度系统已启动：{url}

{accounts}

邮件：演示环境不真正发出，每封写入 var/mail/ 下的文件
日志：{logs}/web.log（网站）、{logs}/celery.log（提醒邮件与定时任务）
停止：按 Ctrl-C
======================================================================"""


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


def wait_until_up(url, server, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.5)
    return False


def stop(processes):
    """SIGTERM to each process group (the server's autoreloader child, the worker's pool and beat),
    then SIGKILL to whatever is still there after ten seconds."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _stop_requested(signum, frame):
    raise KeyboardInterrupt  # SIGTERM (and SIGINT, however it was inherited) stop the demo as Ctrl-C does


def start():
    ensure_venv()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    manage = [PYTHON, "manage.py"]
    logs = ROOT / "var" / "log"
    logs.mkdir(parents=True, exist_ok=True)
    run(*manage, "migrate", "--noinput", env=env)
    run(*manage, "load_plan", env=env)
    # Demo figures up to November: December stays open, so a demo liaison has a month to report.
    accounts = run(*manage, "seed_demo", "--progress", "--until", "2023-11", env=env,
                   capture_output=True, text=True).stdout
    # Both in their own process group, their output in var/log/: Ctrl-C reaches this script only,
    # which stops them in order, and the last lines on the screen are the block below.
    worker = subprocess.Popen(
        [str(PYTHON), "-m", "celery", "-A", "wuhan_plan", "worker", "--beat", "--loglevel=INFO", "--concurrency=1"],
        cwd=ROOT, env=env, stdout=open(logs / "celery.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    server = subprocess.Popen(
        [*map(str, manage), "runserver", "127.0.0.1:8000"],
        cwd=ROOT, env=env, stdout=open(logs / "web.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    processes = [server, worker]
    signal.signal(signal.SIGTERM, _stop_requested)
    # Ctrl-C, even when this script was started with SIGINT ignored (from a script, in the background).
    signal.signal(signal.SIGINT, _stop_requested)
    try:
        if not wait_until_up(URL + "accounts/login/", server):
            print(f"网站未能启动，请查看 {logs / 'web.log'}", flush=True)
            return 1
        print(BLOCK.format(url=URL, accounts=accounts.rstrip(), logs=logs.relative_to(ROOT)), flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        print(f"{'网站' if server.poll() is not None else 'Celery'} 已退出，请查看 {logs}", flush=True)
        return 1
    except KeyboardInterrupt:
        print("\n正在停止…", flush=True)
        return 0
    finally:
        # A second Ctrl-C (or SIGTERM) while stopping changes nothing: the stop goes on to the end.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop(processes)
        print("已停止。", flush=True)


def test(args):
    ensure_venv()
    result = subprocess.run([str(PYTHON), "-m", "pytest", *args], cwd=ROOT)
    sys.exit(result.returncode)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "start":
        sys.exit(start())
    elif command == "test":
        test(sys.argv[2:])
    else:
        sys.exit(__doc__)
