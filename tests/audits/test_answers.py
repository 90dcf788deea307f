"""Answers are checked once, in clean_answers: percentages sum to 100, counts and scales in range."""

from __future__ import annotations

import pytest

from audits.answers import AnswerErrors, clean_answers
from audits.models import Question


def _q(pk: int, kind: str, **kw) -> Question:
    return Question(pk=pk, kind=kind, prompt=f"q{pk}", required=kw.pop("required", True), **kw)


SPLIT = _q(1, "percent_split", choices=["Internal", "Customers", "Other"], internal_choice="Internal")
COUNT = _q(2, "count_per_week")
SCALE = _q(3, "scale")
TEXT = _q(4, "free_text", required=False)
ALL = [SPLIT, COUNT, SCALE, TEXT]


def _errors(raw):
    with pytest.raises(AnswerErrors) as caught:
        clean_answers(ALL, raw)
    return caught.value.errors


def test_valid_answers_are_normalised():
    cleaned = clean_answers(ALL, {"1": {"Internal": "30", "Customers": 70}, "2": "12", "3": 4, "4": "  hi  "})
    assert cleaned == {"1": {"Internal": 30, "Customers": 70, "Other": 0}, "2": 12, "3": 4, "4": "hi"}


@pytest.mark.parametrize(
    ("split", "message"),
    [
        ({"Internal": 30, "Customers": 60}, "must add up to 100; they add up to 90"),
        ({"Internal": 60, "Customers": 60}, "they add up to 120"),
        ({"Internal": -10, "Customers": 110}, "“Internal” must be a whole number from 0 to 100"),
        ({"Internal": 12.5, "Customers": 87.5}, "whole number"),
        ({"Internal": "abc", "Customers": 100}, "whole number"),
        ({"Internal": 50, "Nope": 50}, "Unknown category: Nope"),
        ([50, 50], "Give a percentage for each category"),
    ],
)
def test_percentages_validation(split, message):
    errors = _errors({"1": split, "2": 1, "3": 1})
    assert list(errors) == ["1"]
    assert message in errors["1"]


def test_every_wrong_question_is_named():
    errors = _errors({"2": -1, "3": 6, "4": "x" * 5000, "99": 1})
    assert errors["1"] == "This question needs an answer."
    assert "0 to 1000" in errors["2"]
    assert errors["3"] == "Choose a value from 1 to 5."
    assert "under 4000" in errors["4"]
    assert errors["99"] == "Not a question of this round."


def test_optional_text_may_be_left_out():
    assert "4" not in clean_answers(ALL, {"1": {"Internal": 100}, "2": 0, "3": 1})
