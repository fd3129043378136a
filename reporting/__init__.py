"""Monthly reporting: the write path, its forms and pages (see apps.py)."""
