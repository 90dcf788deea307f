"""Defect 9: a theme name differing only by case from another is refused by the form, the API and the service."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from feedback import services
from feedback.models import Theme
from productops.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporting(make_user):
    return services.theme_create(name="Reporting", user=make_user("pm0", Role.PM))


@pytest.mark.parametrize("name", ["reporting", "REPORTING", "  Reporting  "])
def test_the_api_refuses_a_name_that_differs_only_by_case(client_for, reporting, name):
    response = client_for(Role.PM).post(
        "/api/v1/feedback/themes/", {"name": name}, content_type="application/json"
    )
    assert response.status_code == 400 and "name" in response.json()
    assert Theme.objects.count() == 1


def test_renaming_to_another_themes_name_in_other_case_is_refused_but_recasing_itself_is_fine(
    client_for, reporting
):
    other = Theme.objects.create(name="Exports", slug="exports")
    client = client_for(Role.PM)
    clash = client.patch(
        f"/api/v1/feedback/themes/{other.pk}/", {"name": "REPORTING"}, content_type="application/json"
    )
    assert clash.status_code == 400 and "name" in clash.json()
    ok = client.patch(
        f"/api/v1/feedback/themes/{reporting.pk}/", {"name": "reporting"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["name"] == "reporting"


def test_the_form_and_the_service_apply_the_same_rule(client_for, reporting, make_user):
    response = client_for(Role.PM).post("/feedback/themes/", {"name": "rePorting", "status": "active"})
    assert response.status_code == 400 and "Another theme already has this name." in response.content.decode()
    with pytest.raises(ValidationError) as exc:
        services.theme_create(name="reporting", user=make_user("pm2", Role.PM))
    assert "name" in exc.value.message_dict
