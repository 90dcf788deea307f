"""Test settings. The suite runs against PostgreSQL: a run that would silently fall back to SQLite is refused.

Set ALLOW_SQLITE_TESTS=true only for the one test module that exercises the embedded path in a subprocess.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from productops.env import env_bool

from .base import *  # noqa: F403
from .base import DATABASES

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" and not env_bool("ALLOW_SQLITE_TESTS"):
    raise ImproperlyConfigured(
        "The test suite runs against PostgreSQL: set DATABASE_URL (make test does), e.g. "
        "postgres://postgres@127.0.0.1:5432/productops"
    )

DEBUG = False
# Most tests run inside one rolled-back transaction, which a writer thread's own connection cannot see; the threaded
# path has a transactional test of its own.
INGEST_WRITERS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
