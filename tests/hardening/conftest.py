from __future__ import annotations

import pytest

from feedback.models import Account


@pytest.fixture
def acme(db) -> Account:
    return Account.objects.create(
        name="Acme", domain="acme.example", salesforce_id="001ACME", lifecycle="customer"
    )
