"""A pytest plugin loaded with -p (see pytest.ini) before pytest-django reads the settings.

The test configuration, not production settings: no secret key needed, plain-HTTP test client.
"""

import os

os.environ.setdefault("WUHAN_PLAN_TESTING", "1")
os.environ.setdefault("DEBUG", "0")
