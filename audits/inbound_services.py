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

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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
def rule_save(*, rule: ClassifierRule) -> int:
    """Save a rule and re-apply the rules to every question. Returns how many questions changed class."""
    rule.pattern = rule.pattern.strip()
    check_rule(kind=rule.kind, pattern=rule.pattern)
    if rule.pk is None and not rule.position:
        last = ClassifierRule.objects.order_by("-position").values_list("position", flat=True).first()
        rule.position = (last or 0) + 10
    rule.save()
    return inbound_reclassify()


@transaction.atomic
def rule_delete(*, rule: ClassifierRule) -> int:
    rule.delete()
    return inbound_reclassify()


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


@transaction.atomic
def inbound_reclassify(*, ids: Iterable[int] | None = None) -> int:
    """Re-run the rules over the log in batches; overrides stay. Returns how many questions changed class."""
    rules = current_rules()
    queryset = InboundQuestion.objects.order_by("pk").only(
        "pk", "text", "rule_category", "matched_rule", "matched_text", "override_category", "category"
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    changed, batch = 0, []
    fields = ["rule_category", "matched_rule", "matched_text", "category"]
    for question in queryset.iterator(chunk_size=RECLASSIFY_BATCH):
        before = (question.rule_category, question.matched_rule_id, question.matched_text, question.category)
        _apply(question, rules)
        if (
            question.rule_category,
            question.matched_rule_id,
            question.matched_text,
            question.category,
        ) != before:
            changed += question.category != before[3]
            batch.append(question)
        if len(batch) >= RECLASSIFY_BATCH:
            InboundQuestion.objects.bulk_update(batch, fields)
            batch = []
    if batch:
        InboundQuestion.objects.bulk_update(batch, fields)
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


# --- Ask the PM ----------------------------------------------------------------------------------------------------


def team_of(user: Any) -> str:
    from productops.roles import Role, user_roles

    roles = user_roles(user)
    if Role.SALES in roles:
        return Team.SALES
    if Role.CSM in roles:
        return Team.CS
    return Team.OTHER


@transaction.atomic
def ask_the_pm(*, release: Any, asker: Any, text: str) -> InboundQuestion:
    """Log the question for the release's PM and email them once the question is committed."""
    from audits.tasks import notify_pm

    question = inbound_create(
        text=text,
        source=InboundSource.PORTAL,
        team=team_of(asker),
        asked_by=asker,
        asked_of=release.pm_owner,
        release=release,
    )
    transaction.on_commit(lambda: notify_pm.delay(question.pk))
    return question


def can_answer(user: Any, question: InboundQuestion) -> bool:
    from productops.roles import Role, has_any_role

    return question.asked_of_id == user.pk or has_any_role(user, [Role.PRODUCT_OPS])


@transaction.atomic
def inbound_answer(*, question: InboundQuestion, user: Any, answer: str) -> InboundQuestion:
    from audits.tasks import notify_asker

    if not can_answer(user, question):
        raise ValidationError({"answer": "Only the PM this was asked of (or Product Ops) answers it."})
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write the answer."})
    if len(answer) > MAX_QUESTION:
        raise ValidationError({"answer": f"Keep it under {MAX_QUESTION} characters (this is {len(answer)})."})
    first_answer = question.answered_at is None
    question.answer, question.answered_by, question.answered_at = answer, user, timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    if first_answer and question.asked_by_id:
        transaction.on_commit(lambda: notify_asker.delay(question.pk))
    return question


def _claim(question_id: int, field_name: str) -> InboundQuestion | None:
    return (
        InboundQuestion.objects.select_for_update(of=("self",))
        .select_related("asked_by", "asked_of", "release", "answered_by")
        .filter(Q(pk=question_id) & Q(**{f"{field_name}__isnull": True}))
        .first()
    )


def notify_pm_of_question(*, question_id: int) -> bool:
    """Email the PM once: the sent-at mark commits with the send, so a retry after a failure sends again and a
    duplicate delivery sends nothing."""
    from audits.emails import send_html_mail
    from audits.services import portal_url

    with transaction.atomic():
        question = _claim(question_id, "pm_notified_at")
        if question is None or question.asked_of is None:
            return False
        send_html_mail(
            subject=f"Question about {question.release or 'your area'} from "
            f"{question.asked_by.get_full_name() if question.asked_by else question.asker_name}",
            template="audits/email/ask_pm",
            context={"question": question, "link": portal_url("/audits/inbox/")},
            to=question.asked_of,
        )
        question.pm_notified_at = timezone.now()
        question.save(update_fields=["pm_notified_at"])
    return True


def notify_asker_of_answer(*, question_id: int) -> bool:
    from audits.emails import send_html_mail
    from audits.services import portal_url

    with transaction.atomic():
        question = _claim(question_id, "asker_notified_at")
        if question is None or question.asked_by is None or question.answered_at is None:
            return False
        send_html_mail(
            subject=f"Your question about {question.release or 'the product'} was answered",
            template="audits/email/answered",
            context={"question": question, "link": portal_url("/audits/inbox/")},
            to=question.asked_by,
        )
        question.asker_notified_at = timezone.now()
        question.save(update_fields=["asker_notified_at"])
    return True
