"""gunicorn's configuration, read from the working directory (gunicorn loads ./gunicorn.conf.py).

Only what follows the application's own settings lives here; workers, binding and timeouts stay
on the command line (README, Production). gunicorn by default believes X-Forwarded-Proto from
the loopback and then tells Django a plain-HTTP request is https (wsgi.url_scheme), whatever
BEHIND_HTTPS_PROXY says; here it believes it only from FORWARDED_ALLOW_IPS (settings.py), which is
empty unless BEHIND_HTTPS_PROXY is on.
"""

import os
import sys
from pathlib import Path

# `.venv/bin/gunicorn` does not put the working directory on the path as `python -m` would.
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuhan_plan.settings")

from django.conf import settings  # noqa: E402  (needs the path and the settings module above)

forwarded_allow_ips = ",".join(settings.FORWARDED_ALLOW_IPS)
