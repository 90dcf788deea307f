"""Test settings: the same PostgreSQL and Redis as every other environment (`make test` starts embedded ones when
DATABASE_URL / REDIS_URL are not set)."""

from __future__ import annotations

from .base import *  # noqa: F403

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
