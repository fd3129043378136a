import os

# Test configuration, not production settings: no secret key needed, plain-HTTP test client,
# a fast hasher. Set before Django reads its settings.
os.environ.setdefault("WUHAN_PLAN_TESTING", "1")
os.environ.setdefault("DEBUG", "0")
