"""Test clients: one place that logs a user in."""

from __future__ import annotations

from django.test import Client


def logged_in(user: object) -> Client:
    """A test client with `user` logged in (no password round trip)."""
    client = Client()
    client.force_login(user)
    return client
