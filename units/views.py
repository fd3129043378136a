"""Unit pages: /units/ and /units/<code>/ (the dashboard)."""
