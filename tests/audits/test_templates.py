"""Survey templates are edited on a page: consistent questions only, errors next to the field."""

from __future__ import annotations

from django.test import Client


def _form(prefix: str, **fields) -> dict[str, object]:
    base = {"kind": "percent_split", "prompt": "Split?", "help_text": "", "choices_text": "A\nB",
            "internal_choice": "A", "metric": "", "required": "on"}  # fmt: skip
    return {f"{prefix}-{key}": value for key, value in {**base, **fields}.items()}


def test_editing_a_question_checks_the_split(people, pm_template):
    ops = Client()
    ops.force_login(people["ops"])
    split = pm_template.questions.order_by("position").first()
    url = f"/audits/questions/{split.pk}/"
    bad = ops.post(url, _form(f"q{split.pk}", internal_choice="Internal", metric="pm_time_split"))
    assert bad.status_code == 400
    assert "Must be one of the categories, written exactly the same." in bad.content.decode()
    one = ops.post(url, _form(f"q{split.pk}", choices_text="Only one"))
    assert one.status_code == 400 and "at least two categories" in one.content.decode()
    good = ops.post(url, _form(f"q{split.pk}", choices_text="Internal\nCustomers\n\nOther ", internal_choice="Internal",
                                metric="pm_time_split"))  # fmt: skip
    assert good.status_code == 302
    split.refresh_from_db()
    assert split.choices == ["Internal", "Customers", "Other"] and split.internal_choice == "Internal"


def test_adding_and_removing_questions(people, pm_template):
    ops = Client()
    ops.force_login(people["ops"])
    count = pm_template.questions.count()
    bad = ops.post(
        f"/audits/templates/{pm_template.pk}/questions/", _form("new", kind="scale", metric="status_asks")
    )
    assert (
        bad.status_code == 400
        and "Only a count-per-week question can count status asks." in bad.content.decode()
    )
    added = ops.post(
        f"/audits/templates/{pm_template.pk}/questions/", _form("new", kind="scale", prompt="Mood?")
    )
    assert added.status_code == 302 and pm_template.questions.count() == count + 1
    question = pm_template.questions.get(prompt="Mood?")
    assert question.choices == [] and question.position == count
    assert ops.post(f"/audits/questions/{question.pk}/", {"delete": "1"}).status_code == 302
    assert pm_template.questions.count() == count


def test_only_product_ops_edits_templates(people, pm_template):
    pm = Client()
    pm.force_login(people["pm"])
    assert pm.get(f"/audits/templates/{pm_template.pk}/").status_code == 403
