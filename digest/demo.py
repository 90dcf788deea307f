"""Demo data for the digest and roadmap (`seed_demo`): product areas, a few later releases, subscriptions,
last week's published digest and this week's draft, with one slipped launch in between."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from digest import services
from digest.models import Digest, DigestSubscription
from feedback.models import Account, Lifecycle, Theme
from readiness import services as readiness_services
from readiness.models import ProductArea, Release

AREAS = [
    ("Reporting & analytics", "Dashboards, reports, exports and the API."),
    ("Platform & security", "Sign-in, permissions, admin and compliance."),
    ("Collaboration", "Navigation, notifications and working together."),
    ("Mobile", "The iOS and Android apps."),
]
RELEASE_AREAS = {
    "Reporting 2.0": "Reporting & analytics",
    "New navigation": "Collaboration",
    "Slack notifications": "Collaboration",
    "SSO for every plan": "Platform & security",
    "Android photo upload fix": "Mobile",
}
# name, area, days from anchor, themes: planned work for the roadmap's Next and Later columns
LATER_RELEASES = [
    ("Scheduled exports to S3", "Reporting & analytics", 120, ["Bulk export & API"]),
    ("Custom roles", "Platform & security", 160, ["SSO & SAML"]),
    ("Offline mode", "Mobile", 230, ["Mobile app"]),
]
LAST_WEEK_INTRO = (
    "Two launches are close: **New navigation** and **Slack notifications**. Sales: the navigation change is the one "
    "customers will notice first; walk your accounts through it before the launch."
)
THIS_WEEK_INTRO = (
    "**Reporting 2.0** is three weeks out and is the answer to the most-asked theme of the year. "
    "Slack notifications slipped a week: check *Changed since last digest*. Questions go to the PM on the release."
)


def flush_digest_demo() -> None:
    Digest.objects.all().delete()
    DigestSubscription.objects.all().delete()


def flush_areas() -> None:
    ProductArea.objects.all().delete()


def seed_digest_demo(*, anchor: date) -> int:
    """Returns how many digests were made (2)."""
    users = get_user_model().objects
    pm, ops, sales = users.get(username="pm"), users.get(username="productops"), users.get(username="sales")
    areas = {
        name: readiness_services.product_area_save(area=ProductArea(name=name, description=text, position=n))
        for n, (name, text) in enumerate(AREAS)
    }
    for release in Release.objects.filter(name__in=RELEASE_AREAS):
        release.product_area = areas[RELEASE_AREAS[release.name]]
        release.save(update_fields=["product_area"])
    themes = {theme.name: theme for theme in Theme.objects.all()}
    for name, area, days, theme_names in LATER_RELEASES:
        release = Release.objects.create(
            name=name, launch_date=anchor + timedelta(days=days), pm_owner=pm, product_area=areas[area],
            description=f"{name}: planned.",
        )  # fmt: skip
        release.themes.set([themes[t] for t in theme_names if t in themes])
        readiness_services.release_refresh_affected_accounts(release=release)
    launched = Release.objects.create(
        name="Saved dashboard filters", tier="minor", status="launched", launch_date=anchor - timedelta(days=3),
        pm_owner=pm, product_area=areas["Reporting & analytics"],
        customer_change="Dashboards remember the filters each person last used; a filter set can be shared by link.",
        help_article_url="https://help.example.com/saved-filters",
        in_app_guide_url="https://app.example.com/guides/saved-filters",
    )  # fmt: skip
    launched.themes.set([themes[t] for t in ["Reporting & dashboards"] if t in themes])
    readiness_services.release_refresh_affected_accounts(release=launched)
    # Account executives own their prospects: give the demo Sales user every fourth unowned prospect,
    # so "your accounts" shows Sales whom to tell.
    prospects = list(
        Account.objects.filter(lifecycle=Lifecycle.PROSPECT, owner_csm__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Account.objects.filter(pk__in=prospects[::4]).update(owner_csm=sales)
    for user in (sales, users.get(username="csm"), ops):
        services.subscription_update(user=user, active=True)

    last_week = anchor - timedelta(days=7)
    year, week, _ = last_week.isocalendar()
    published = services.digest_draft(today=last_week, year=year, week=week)
    published.intro = LAST_WEEK_INTRO
    published.save(update_fields=["intro"])
    services.digest_publish(digest=published, actor=ops, notify=False)
    Digest.objects.filter(pk=published.pk).update(published_at=published.drafted_at - timedelta(days=7))
    # Between the two digests, one launch slips a week: "Changed since last digest" shows it.
    slack = Release.objects.filter(name="Slack notifications").first()
    if slack is not None:
        readiness_services.release_set_launch_date(
            release=slack, launch_date=slack.launch_date + timedelta(days=7), actor=pm
        )
    year, week, _ = anchor.isocalendar()
    draft = services.digest_draft(today=anchor, year=year, week=week)
    draft.intro = THIS_WEEK_INTRO
    draft.save(update_fields=["intro"])
    first = draft.entries.filter(section="shipping_soon", data__name="Reporting 2.0").first()
    if first is not None:
        first.note = (
            "Lead with the **scheduled reports**: it is what churn-risk accounts asked for. "
            "The old builder stays for 60 days, so nobody loses a report on launch day."
        )
        first.save(update_fields=["note"])
    return 2
