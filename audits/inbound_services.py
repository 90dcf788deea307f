"""Writes for the inbound-question log: classification rules, questions (asked, logged, imported), overrides,
"Ask the PM" and its answers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from audits import defaults
from audits.classifier import classify, compile_rules, regex_error
from audits.models import Category, ClassifierRule, InboundQuestion, InboundSource, RuleKind, Team

MAX_QUESTION = 4000
RECLASSIFY_BATCH = 2000


# --- Rules -------------------------------------------------------------------------------------------------------


@transaction.atomic
def rules_ensure_defaults() -> None:
    """Load the shipped rules into an empty rule table only (an emptied table stays Product Ops' decision once
    questions exist)."""
    if ClassifierRule.objects.exists() or InboundQuestion.objects.exists():
        return
    ClassifierRule.objects.bulk_create(
        ClassifierRule(category=category, kind=kind, pattern=pattern, position=(i + 1) * 10)
        for i, (category, kind, pattern) in enumerate(defaults.DEFAULT_RULES)
    )


def check_rule(*, kind: str, pattern: str) -> None:
    if not pattern.strip():
        raise ValidationError({"pattern": "Enter a phrase or a pattern."})
    if kind == RuleKind.REGEX:
        error = regex_error(pattern)
        if error:
            raise ValidationError({"pattern": error})
        if re.search(pattern, "", re.IGNORECASE):
            raise ValidationError(
                {"pattern": "This pattern matches an empty question, so it would match everything."}
            )


@transaction.atomic
def rule_save(*, rule: ClassifierRule) -> int | None:
    """Save a rule and re-apply the rules to every question. Returns how many questions changed class, or None
    when the log is big enough to be re-classified in the background."""
    rule.pattern = rule.pattern.strip()
    check_rule(kind=rule.kind, pattern=rule.pattern)
    if rule.pk is None and not rule.position:
        last = ClassifierRule.objects.order_by("-position").values_list("position", flat=True).first()
        rule.position = (last or 0) + 10
    rule.save()
    return _reclassify_after_rule_change()


@transaction.atomic
def rule_delete(*, rule: ClassifierRule) -> int | None:
    rule.delete()
    return _reclassify_after_rule_change()


def _reclassify_after_rule_change() -> int | None:
    """A log of a few thousand questions is re-classified at once (the page shows the result); a bigger one by a
    Celery task after the rule commits (~7k questions/s measured), and None says so."""
    if InboundQuestion.objects.count() <= settings.AUDITS_RECLASSIFY_INLINE_MAX:
        return inbound_reclassify()
    from audits.tasks import reclassify_inbound

    transaction.on_commit(reclassify_inbound.delay)
    return None


def current_rules() -> list[Any]:
    return compile_rules(ClassifierRule.objects.filter(enabled=True).order_by("position", "id"))


# --- Questions ---------------------------------------------------------------------------------------------------


def _apply(question: InboundQuestion, rules: list[Any]) -> None:
    match = classify(question.text, rules)
    question.rule_category = match.category
    question.matched_rule_id = match.rule_id
    question.matched_text = match.matched_text
    question.category = question.override_category or match.category


def check_question_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the question."})
    if len(text) > MAX_QUESTION:
        raise ValidationError({"text": f"Keep it under {MAX_QUESTION} characters (this is {len(text)})."})
    return text


@transaction.atomic
def inbound_create(
    *,
    text: str,
    source: str,
    team: str = Team.SALES,
    asked_by: Any = None,
    asker_name: str = "",
    asked_of: Any = None,
    release: Any = None,
    asked_at: datetime | None = None,
    override_category: str = "",
    actor: Any = None,
) -> InboundQuestion:
    question = InboundQuestion(
        text=check_question_text(text),
        source=source,
        team=team,
        asked_by=asked_by,
        asker_name=asker_name[:200],
        asked_of=asked_of,
        release=release,
        asked_at=asked_at or timezone.now(),
        override_category=override_category,
    )
    if override_category:
        question.override_by, question.override_at = actor, timezone.now()
    _apply(question, current_rules())
    question.save()
    return question


@transaction.atomic
def inbound_override(*, question: InboundQuestion, category: str, actor: Any) -> InboundQuestion:
    """Set a person's class ("" hands the question back to the rules). It wins over every later rule change."""
    if category and category not in (Category.HOW_TO, Category.STATUS, Category.STRATEGY):
        raise ValidationError({"category": "Choose how-to, status or strategy."})
    question.override_category = category
    question.override_by = actor if category else None
    question.override_at = timezone.now() if category else None
    question.category = category or question.rule_category
    question.save(update_fields=["override_category", "override_by", "override_at", "category"])
    return question


def _write_classes(rows: list[tuple[int, str, int | None, str, str]]) -> None:
    """One UPDATE ... FROM (VALUES ...) per batch: bulk_update's CASE per column is ~100x slower at 2,000 rows."""
    table = InboundQuestion._meta.db_table
    values = ", ".join(["(%s::bigint, %s, %s::bigint, %s, %s)"] * len(rows))
    sql = (
        f"UPDATE {table} AS q SET rule_category = v.rc, matched_rule_id = v.mr, matched_text = v.mt, "
        f"category = v.cat FROM (VALUES {values}) AS v(id, rc, mr, mt, cat) WHERE q.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


@transaction.atomic
def inbound_reclassify(*, ids: Iterable[int] | None = None) -> int:
    """Re-run the rules over the log in batches; overrides stay. Returns how many questions changed class."""
    rules = current_rules()
    queryset = InboundQuestion.objects.order_by("pk")
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    rows = queryset.values_list(
        "pk", "text", "rule_category", "matched_rule_id", "matched_text", "override_category", "category"
    )
    changed, batch = 0, []
    for pk, text, rule_category, rule_id, matched_text, override, category in rows.iterator(
        chunk_size=RECLASSIFY_BATCH
    ):
        match = classify(text, rules)
        new_category = override or match.category
        if (match.category, match.rule_id, match.matched_text, new_category) != (
            rule_category,
            rule_id,
            matched_text,
            category,
        ):
            changed += new_category != category
            batch.append((pk, match.category, match.rule_id, match.matched_text, new_category))
        if len(batch) >= RECLASSIFY_BATCH:
            _write_classes(batch)
            batch = []
    if batch:
        _write_classes(batch)
    return changed


# --- CSV import --------------------------------------------------------------------------------------------------

CSV_COLUMNS = ("asked_at", "text", "team", "asker", "asked_of", "category")
TEAM_ALIASES = {
    "sales": Team.SALES,
    "cs": Team.CS,
    "csm": Team.CS,
    "customer success": Team.CS,
    "other": Team.OTHER,
}
CATEGORY_ALIASES = {
    "how-to": Category.HOW_TO, "how_to": Category.HOW_TO, "howto": Category.HOW_TO,
    "status": Category.STATUS, "strategy": Category.STRATEGY,
}  # fmt: skip


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _parse_when(value: str) -> datetime:
    value = value.strip()
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise ValueError(f"asked_at “{value}” is not a date (use YYYY-MM-DD or an ISO date-time).")
        parsed = datetime.combine(day, time(12, 0))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed.date() > timezone.localdate():
        raise ValueError(f"asked_at {value} is in the future.")
    return parsed


def _row(row: dict[str, str], users_by_email: dict[str, Any]) -> dict[str, Any]:
    text = (row.get("text") or "").strip()
    if not text:
        raise ValueError("text is empty.")
    if len(text) > MAX_QUESTION:
        raise ValueError(f"text is longer than {MAX_QUESTION} characters.")
    team_raw = (row.get("team") or "sales").strip().lower()
    if team_raw not in TEAM_ALIASES:
        raise ValueError(f"team “{row.get('team')}” is not sales, cs or other.")
    category_raw = (row.get("category") or "").strip().lower()
    if category_raw and category_raw not in CATEGORY_ALIASES:
        raise ValueError(f"category “{row.get('category')}” is not how-to, status or strategy.")
    asker = (row.get("asker") or "").strip()
    asked_of_raw = (row.get("asked_of") or "").strip().lower()
    asked_of = users_by_email.get(asked_of_raw) if asked_of_raw else None
    if asked_of_raw and asked_of is None:
        raise ValueError(f"asked_of “{asked_of_raw}” is not the email of a portal user.")
    return {
        "text": text,
        "team": TEAM_ALIASES[team_raw],
        "asked_at": _parse_when(row.get("asked_at") or ""),
        "asked_by": users_by_email.get(asker.lower()),
        "asker_name": asker,
        "asked_of": asked_of,
        "override_category": CATEGORY_ALIASES.get(category_raw, ""),
    }


def inbound_import_csv(*, content: str, actor: Any) -> ImportResult:
    """Import good rows, report bad ones by line number (the header is line 1). Nothing partial: a row is in or
    reported. Good rows commit together so a re-upload of the fixed bad rows adds only those."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("asked_at", "text") if name not in header]
    if missing:
        result.errors.append(
            (1, f"The header must name the columns {', '.join(CSV_COLUMNS)}; missing {', '.join(missing)}.")
        )
        return result
    reader.fieldnames = header
    users_by_email = {
        user.email.lower(): user for user in get_user_model().objects.exclude(email="").only("pk", "email")
    }
    good: list[dict[str, Any]] = []
    for row in reader:
        line = reader.line_num
        try:
            if None in row:
                raise ValueError("has more cells than the header.")
            good.append(_row(row, users_by_email))
        except ValueError as exc:
            result.errors.append((line, str(exc)))
    rules = current_rules()
    with transaction.atomic():
        questions = []
        for values in good:
            question = InboundQuestion(source=InboundSource.CSV, **values)
            if question.override_category:
                question.override_by, question.override_at = actor, timezone.now()
            _apply(question, rules)
            questions.append(question)
        InboundQuestion.objects.bulk_create(questions, batch_size=1000)
    result.created = len(questions)
    return result
