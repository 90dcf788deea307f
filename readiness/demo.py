"""Demo releases for `seed_demo`: one of each situation a CSM meets on the readiness board."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth import get_user_model

from feedback.models import Theme
from readiness import services
from readiness.models import ChecklistItem, FaqEntry, Release, ReleaseStatus, Tier

# name, tier, days from anchor to launch, theme names, items done, customer change
RELEASES = [
    (
        "Reporting 2.0",
        Tier.MAJOR,
        24,
        ["Reporting & dashboards", "Bulk export & API"],
        7,
        "Dashboards get filters by region and team, scheduled reports by email, and exports to PDF and CSV "
        "without the 10,000-row limit. The old report builder stays available for 60 days.",
    ),
    (
        "New navigation",
        Tier.MAJOR,
        9,
        ["New navigation", "Onboarding"],
        3,
        "The left menu is regrouped by task. Settings move under the avatar menu; reports move to the top bar.",
    ),
    (
        "Slack notifications",
        Tier.MINOR,
        12,
        ["Notifications"],
        1,
        "Alerts can go to a Slack channel instead of email, with per-project mute.",
    ),
    ("SSO for every plan", Tier.MAJOR, 75, ["SSO & SAML"], 0, "SAML single sign-on on the Business plan."),
    (
        "Android photo upload fix",
        Tier.PATCH,
        -18,
        ["Mobile app"],
        2,
        "Photo uploads no longer crash on Android.",
    ),
]

FAQ = [
    (
        "Will our existing reports keep working?",
        "Yes. Saved reports are migrated; the old builder stays for 60 days.",
        False,
    ),
    ("Does this cost extra?", "No, it is included in every paid plan.", False),
    (
        "What do we tell an account that threatened to leave over reporting?",
        "Offer a 30-minute session with the PM before launch and early access from the launch date; "
        "bring their exact report to the call.",
        True,
    ),
    (
        "Can high-ARR accounts get the exports limit lifted now?",
        "Yes, Product Ops can enable it a week early.",
        True,
    ),
]


def flush_readiness_demo() -> None:
    Release.objects.all().delete()


def seed_readiness_demo(*, anchor: date) -> int:
    """Create the demo releases relative to `anchor`. Returns how many were made."""
    users = get_user_model().objects
    pm = users.get(username="pm")
    ops = users.get(username="productops")
    themes = {theme.name: theme for theme in Theme.objects.all()}
    for name, tier, days, theme_names, done, change in RELEASES:
        launch = anchor + timedelta(days=days)
        release = Release.objects.create(
            name=name, tier=tier, launch_date=launch, pm_owner=pm, customer_change=change,
            description=f"{name}: addresses what customers said about {', '.join(theme_names)}.",
            video_url="https://videos.example.com/reporting-2" if name == "Reporting 2.0" else "",
        )  # fmt: skip
        release.themes.set([themes[t] for t in theme_names if t in themes])
        services.release_refresh_affected_accounts(release=release)
        if days > 56:
            continue  # outside the readiness window: stays planned until the schedule opens it
        services.checklist_open(release=release, actor=pm)
        for item in ChecklistItem.objects.filter(release=release).order_by("due_date", "position")[:done]:
            evidence = "https://docs.example.com/readiness/evidence" if item.needs_evidence else ""
            # ticked by whoever may tick it (its owner; Product Ops for an unowned item), as the rules require
            services.item_tick(item=item, actor=item.owner or ops, evidence_url=evidence)
            # backdate the tick to when it plausibly happened, so the demo's history reads like a real one
            when = datetime.combine(min(item.due_date, anchor), time(15), tzinfo=UTC)
            ChecklistItem.objects.filter(pk=item.pk).update(done_at=when)
            item.events.update(at=when)
        if days < 0:
            release.status = ReleaseStatus.LAUNCHED
            release.save(update_fields=["status"])
        if name == "Reporting 2.0":
            FaqEntry.objects.bulk_create(
                FaqEntry(release=release, question=q, answer=a, for_high_risk=high, position=n, author=pm)
                for n, (q, a, high) in enumerate(FAQ)
            )
    return len(RELEASES)
