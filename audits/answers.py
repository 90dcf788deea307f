"""Validate a participant's answers against a round's questions. Plain functions: the form, the API and the
tests all go through `clean_answers`, so a rule (percentages sum to 100) is written once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from audits.models import QuestionKind

MAX_COUNT = 1000
MAX_TEXT = 4000


class AnswerErrors(Exception):
    """Errors by question id (as a string), each a sentence a person can act on."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == {}


def _clean_split(question: Any, value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise ValueError("Give a percentage for each category.")
    unknown = [key for key in value if key not in question.choices]
    if unknown:
        raise ValueError(f"Unknown category: {unknown[0]}.")
    split: dict[str, int] = {}
    for choice in question.choices:
        raw = value.get(choice, 0)
        number = 0 if _blank(raw) else _whole_number(raw)
        if number is None or not 0 <= number <= 100:
            raise ValueError(f"“{choice}” must be a whole number from 0 to 100.")
        split[choice] = number
    total = sum(split.values())
    if total != 100:
        raise ValueError(f"The percentages must add up to 100; they add up to {total}.")
    return split


def _clean_one(question: Any, value: Any) -> Any:
    kind = question.kind
    if kind == QuestionKind.PERCENT_SPLIT:
        return _clean_split(question, value)
    if kind == QuestionKind.COUNT_PER_WEEK:
        number = _whole_number(value)
        if number is None or not 0 <= number <= MAX_COUNT:
            raise ValueError(f"Enter a whole number from 0 to {MAX_COUNT}.")
        return number
    if kind == QuestionKind.SCALE:
        number = _whole_number(value)
        if number is None or not 1 <= number <= 5:
            raise ValueError("Choose a value from 1 to 5.")
        return number
    if not isinstance(value, str):
        raise ValueError("Enter text.")
    if len(value) > MAX_TEXT:
        raise ValueError(f"Keep it under {MAX_TEXT} characters (this is {len(value)}).")
    return value.strip()


def clean_answers(questions: Sequence[Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Answers keyed by question id (string). Raises AnswerErrors naming every question that is wrong."""
    if not isinstance(raw, Mapping):
        raise AnswerErrors({"answers": "Answers must be an object keyed by question id."})
    known = {str(q.pk) for q in questions}
    errors: dict[str, str] = {
        key: "Not a question of this round." for key in map(str, raw) if key not in known
    }
    cleaned: dict[str, Any] = {}
    for question in questions:
        key = str(question.pk)
        value = raw.get(key)
        if _blank(value):
            if question.required:
                errors[key] = "This question needs an answer."
            continue
        try:
            cleaned[key] = _clean_one(question, value)
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        raise AnswerErrors(errors)
    return cleaned
