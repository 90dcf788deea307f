"""Local development: `make run`. DEBUG on unless DJANGO_DEBUG says otherwise."""

from __future__ import annotations

from productops.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
