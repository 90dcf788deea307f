"""Production: secrets have no defaults and the deployment checks pass."""

from __future__ import annotations

from productops.env import env_bool, env_int, env_list, env_required

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
DATABASE_URL = env_required("DATABASE_URL")
REDIS_URL = env_required("REDIS_URL")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_list("EMAIL_HOST", ["localhost"])[0]
