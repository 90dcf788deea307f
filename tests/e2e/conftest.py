"""Browser tests use the shared fixtures in tests/conftest.py (browser, page, login)."""
