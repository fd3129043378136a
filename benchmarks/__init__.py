"""Measuring the system: a development-only app, not in production's INSTALLED_APPS (see settings)."""
