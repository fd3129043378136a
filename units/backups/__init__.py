"""Backups and restores of the whole database (archive.py) in an exact JSON format (serializer.py)."""
