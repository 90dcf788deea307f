"""Shared fixtures: users per role and logged-in clients. The database is real PostgreSQL (see settings.test)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from productops.roles import Role


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    def make(username: str, *roles: Role, password: str = "pw-for-tests") -> object:
        user = get_user_model().objects.create_user(username=username, password=password)
        user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
        return user

    return make


@pytest.fixture
def client_for(make_user) -> Callable[[Role], Client]:
    """A logged-in test client for a fresh user holding one role."""

    def login_as(role: Role) -> Client:
        user = make_user(f"user-{role.name.lower()}", role)
        client = Client()
        client.force_login(user)
        return client

    return login_as
