"""Demo data for `seed_demo`: two closed PM time-audit rounds and a closed revenue-team round answered by demo
users, a quarter of inbound questions drifting from how-to toward strategy, and PMs' Gong call participation
(one PM's customer contact falling two months in a row)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from audits import inbound_services, services
from audits.defaults import INTERNAL
from audits.inbound_selectors import month_starts
from audits.models import (
    InboundQuestion,
    InboundSource,
    Response,
    Round,
    SurveyTemplate,
    Team,
)
from feedback.models import FeedbackItem, Source
from readiness.models import Release

# Colleagues of the demo `pm`, `sales` and `csm` users (no password: they exist so a round has a team to ask).
EXTRA_PMS = [("pm.jordan", "Jordan", "Blake"), ("pm.riley", "Riley", "Okoro"), ("pm.sam", "Sam", "Novak"),
             ("pm.avery", "Avery", "Lund")]  # fmt: skip
EXTRA_SALES = [
    ("sales.lee", "Lee", "Moreau"),
    ("sales.noor", "Noor", "Haddad"),
    ("sales.tomas", "Tomás", "Ruiz"),
]

# username → (internal %, customers %, discovery %, delivery %, other %), internal questions/week, customer calls,
# interruptions 1-5, free text. Riley sits exactly on the 20% line: not over it.
PM_ANSWERS_NOW = {
    "pm": (
        (30, 15, 20, 30, 5),
        25,
        3,
        4,
        "When does the Reporting 2.0 export ship, and does it fix the 10k limit?",
    ),
    "pm.jordan": (
        (35, 10, 20, 30, 5),
        30,
        2,
        5,
        "Is SSO on the Business plan yet? Asked weekly by three reps.",
    ),
    "pm.riley": ((20, 25, 25, 25, 5), 12, 5, 3, "How do I set up Slack alerts for a customer?"),
    "pm.sam": ((25, 20, 20, 30, 5), 18, 4, 3, ""),
    "pm.avery": ((15, 30, 25, 25, 5), 8, 6, 2, "Which release is the Android fix in?"),
}
PM_INTERNAL_BEFORE = {"pm": 40, "pm.jordan": 45, "pm.riley": 30, "pm.sam": 35, "pm.avery": 25}
# username → status asks/week, (how-to, status, strategy) %, ease 1-5, free text
REVENUE_ANSWERS = {
    "sales": (6, (50, 30, 20), 2, "A one-page view of what ships this month and how to pitch it."),
    "sales.lee": (9, (60, 30, 10), 1, "Which accounts asked for a feature, so I can call them at launch."),
    "sales.noor": (4, (40, 30, 30), 3, ""),
    "sales.tomas": (7, (55, 25, 20), 2, "Competitive positioning for the new navigation."),
    "csm": (5, (45, 40, 15), 2, "The FAQ for high-risk accounts before launch, not after."),
    "csm.amara": (3, (50, 35, 15), 3, ""),
}
# PM customer calls per complete month, oldest first; `pm` falls two months in a row.
PM_CALLS = {
    "pm": [6, 7, 6, 6, 4, 2],
    "pm.jordan": [3, 4, 4, 5, 5, 6],
    "pm.riley": [4, 3, 4, 4, 5, 4],
    "pm.sam": [5, 5, 4, 5, 6, 5],
    "pm.avery": [7, 6, 7, 7, 8, 8],
}

QUESTIONS = {
    "how_to": [
        "How do I export a dashboard to PDF for a customer?",
        "How can a customer set up SSO with Okta?",
        "Is there a way to bulk import users from a spreadsheet?",
        "Where do I turn on the Slack alerts for an account?",
        "How do I configure the report schedule for their team?",
        "Can the admin export audit logs?",
        "Walk me through resetting a workspace owner.",
        "How do we enable the new navigation for a pilot account?",
    ],
    "status": [
        "When will Reporting 2.0 be available to everyone?",
        "Is the Android photo upload fix shipped yet?",
        "Any update on the SSO for every plan timeline?",
        "Is the Slack notifications release still on track for this month?",
        "What is the release date for the new navigation?",
        "Has the export limit change slipped?",
    ],
    "strategy": [
        "What is our strategy for enterprise reporting against Looker?",
        "Why are we investing in Slack notifications before Teams?",
        "How should we position the new navigation with churn-risk accounts?",
        "Is mid-market a priority segment for SSO next year?",
        "What is the long-term vision for the API: platform or feature?",
        "How does the roadmap handle competitors bundling analytics for free?",
        "Should we lead with reporting or integrations in the healthcare market?",
    ],
}


# Which demo release a question is about, by the words it uses (questions about none go to `pm` directly).
RELEASE_WORDS = {
    "Reporting 2.0": ("report", "export", "dashboard", "looker", "analytics"),
    "New navigation": ("navigation",),
    "Slack notifications": ("slack",),
    "SSO for every plan": ("sso",),
    "Android photo upload fix": ("android",),
}
ANSWERS = [
    "It's in the readiness kit's FAQ now; I linked it there.",
    "Short version: yes. The kit has the details and a one-pager for the customer.",
    "Good question. Booked 15 minutes with you on Thursday to go through it.",
    "Not this quarter. The digest will say when it moves.",
]


def _release_for(text: str, releases: dict[str, Release]) -> Release | None:
    lowered = text.lower()
    for name, words in RELEASE_WORDS.items():
        if name in releases and any(word in lowered for word in words):
            return releases[name]
    return None


def _users(specs: list[tuple[str, str, str]], role: str) -> None:
    group = Group.objects.get(name=role)
    for username, first, last in specs:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@demo.example"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)


def flush_audits_demo() -> None:
    Round.objects.all().delete()
    InboundQuestion.objects.all().delete()


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _run_round(*, template: SurveyTemplate, name: str, opened: date, answers_for: object) -> Round:
    """Create, open, answer (answers_for(questions) → {username: answers}), close, then date it in the past."""
    round_ = services.round_create(
        template=template, name=name, created_by=get_user_model().objects.get(username="productops")
    )
    questions = list(round_.questions.order_by("position", "id"))
    given = answers_for(questions)  # type: ignore[operator]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=given)}
    services.round_add_participants(round=round_, users=users.values())
    services.round_open(round=round_)
    for username, answer in given.items():
        services.response_create(round=round_, user=users[username], answers=answer)
    services.round_close(round=round_)
    answered = _at(opened + timedelta(days=2))
    Round.objects.filter(pk=round_.pk).update(
        created_at=_at(opened, 8), opened_at=_at(opened), closed_at=_at(opened + timedelta(days=10), 17)
    )
    Response.objects.filter(round=round_).update(submitted_at=answered, updated_at=answered)
    return round_


def _revenue_answers(questions: list[object]) -> dict[str, dict[str, object]]:
    count, mix, ease, text = questions
    out = {}
    for username, (asks, shares, score, said) in REVENUE_ANSWERS.items():
        answer: dict[str, object] = {
            str(count.pk): asks,
            str(mix.pk): dict(zip(mix.choices, shares, strict=True)),
            str(ease.pk): score,
        }
        if said:
            answer[str(text.pk)] = said
        out[username] = answer
    return out


def _pm_answers(questions: list[object], now: bool) -> dict[str, dict[str, object]]:
    split, internal_q, calls, scale, text = questions
    out = {}
    for username, (shares, asks, customer_calls, interrupt, said) in PM_ANSWERS_NOW.items():
        if not now:
            before = PM_INTERNAL_BEFORE[username]
            shift = before - shares[0]
            shares = (before, max(shares[1] - shift, 0), shares[2], shares[3], shares[4])
            shares = (*shares[:4], 100 - sum(shares[:4]))
        answer: dict[str, object] = {
            str(split.pk): dict(zip(split.choices, shares, strict=True)),
            str(internal_q.pk): asks if now else asks + 8,
            str(calls.pk): customer_calls,
            str(scale.pk): interrupt,
        }
        if said:
            answer[str(text.pk)] = said
        out[username] = answer
    return out


def seed_audits_demo(*, anchor: date, seed: int = 42) -> dict[str, int]:
    services.templates_ensure_defaults()
    inbound_services.rules_ensure_defaults()
    _users(EXTRA_PMS, "PM")
    _users(EXTRA_SALES, "Sales")
    rounds = 0
    pm_template = SurveyTemplate.objects.get(key="pm-time-audit")
    # The canned answers fit the shipped questions only; an edited template gets no demo rounds.
    shipped = [q.kind for q in pm_template.questions.order_by("position", "id")] == [
        "percent_split", "count_per_week", "count_per_week", "scale", "free_text"
    ] and pm_template.questions.order_by("position", "id").first().internal_choice == INTERNAL  # fmt: skip
    for now, opened in ((False, anchor - timedelta(days=120)), (True, anchor - timedelta(days=24))):
        if shipped:
            _run_round(
                template=pm_template,
                name=f"PM time audit, {opened:%B %Y}",
                opened=opened,
                answers_for=lambda qs, now=now: _pm_answers(qs, now),
            )
            rounds += 1
    revenue = SurveyTemplate.objects.get(key="revenue-time-audit")
    if [q.kind for q in revenue.questions.order_by("position", "id")] == [
        "count_per_week", "percent_split", "scale", "free_text"
    ]:  # fmt: skip
        _run_round(
            template=revenue,
            name=f"Revenue-team time audit, {anchor - timedelta(days=20):%B %Y}",
            opened=anchor - timedelta(days=20),
            answers_for=_revenue_answers,
        )
        rounds += 1
    questions = _seed_inbound(anchor=anchor, seed=seed)
    calls = _seed_gong_participants(anchor=anchor)
    return {"rounds": rounds, "questions": questions, "calls": calls}


def _seed_inbound(*, anchor: date, seed: int) -> int:
    """Five questions a week for 13 weeks; strategy grows from none to four a week while how-to falls from three."""
    rng = random.Random(seed)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["sales", "csm", "pm", "sales.lee", "sales.noor"]
        )
    }
    releases = {release.name: release for release in Release.objects.all()}
    created = 0
    for week in range(13):
        progress = week / 12
        strategy, how_to = round(0.5 + 3.5 * progress), round(3 - 2.5 * progress)
        plan = ["strategy"] * strategy + ["how_to"] * how_to + ["status"] * (5 - strategy - how_to)
        rng.shuffle(plan)
        for n, category in enumerate(plan):
            text = rng.choice(QUESTIONS[category])
            asker = rng.choice(["sales", "sales", "sales.lee", "sales.noor", "csm"])
            day = anchor - timedelta(days=(12 - week) * 7 + rng.randrange(1, 6))
            asked_at = _at(day, 8 + n * 2)
            release = _release_for(text, releases) if rng.random() < 0.7 else None
            question = inbound_services.inbound_create(
                text=text,
                source=InboundSource.PORTAL
                if release
                else rng.choice([InboundSource.MANUAL, InboundSource.CSV]),
                team=Team.CS if asker == "csm" else Team.SALES,
                asked_by=users.get(asker),
                asker_name="" if asker in users else asker,
                asked_of=release.pm_owner if release else users.get("pm"),
                release=release,
                asked_at=asked_at,
            )
            if release and week < 12:
                InboundQuestion.objects.filter(pk=question.pk).update(
                    answer=rng.choice(ANSWERS),
                    answered_by=release.pm_owner,
                    answered_at=asked_at + timedelta(hours=5),
                    pm_notified_at=asked_at,
                    asker_notified_at=asked_at + timedelta(hours=5),
                )
            created += 1
    return created


def _seed_gong_participants(*, anchor: date) -> int:
    """Add the PMs as participants to existing demo Gong calls, month by month, in Gong's `parties` shape."""
    starts = month_starts(anchor, 6)
    pms = {u.username: u for u in get_user_model().objects.filter(username__in=PM_CALLS)}
    touched: dict[int, FeedbackItem] = {}
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else anchor.replace(day=1)
        calls = list(
            FeedbackItem.objects.filter(
                source=Source.GONG, occurred_at__gte=_at(start, 0), occurred_at__lt=_at(end, 0)
            )
            .order_by("id")
            .only("id", "raw", "author")
        )
        cursor = 0
        for username, series in PM_CALLS.items():
            user = pms.get(username)
            for call in calls[cursor : cursor + series[index]] if user else []:
                raw = dict(call.raw or {})
                raw["parties"] = [
                    {"id": f"p-{call.pk}-1", "emailAddress": user.email, "name": user.get_full_name(),
                     "affiliation": "Internal", "methods": ["Invitee"]},
                    {"id": f"p-{call.pk}-2", "name": call.author or "Customer", "affiliation": "External",
                     "methods": ["Attendee"]},
                ]  # fmt: skip
                call.raw = raw
                touched[call.pk] = call
            cursor += series[index]
    FeedbackItem.objects.bulk_update(list(touched.values()), ["raw"], batch_size=500)
    return len(touched)
