"""Product Ops: draft now, edit (intro, notes, order, hide), preview, publish."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from digest import selectors, services
from digest.forms import EntryForm, IntroForm, unsafe_fields
from digest.models import SECTION_ORDER, Digest, Section
from digest.views import EDIT_ROLES, _page, parse_period
from productops.roles import role_required


def _digest(period: str) -> Digest:
    year, week = parse_period(period)
    digest = selectors.digest_by_period(year, week)
    if digest is None:
        raise Http404(f"There is no digest for week {period}.")
    return digest


@role_required(*EDIT_ROLES)
def manage(request: HttpRequest) -> HttpResponse:
    digests = list(Digest.objects.order_by("-year", "-week").select_related("published_by")[:30])
    return render(request, "digest/manage.html", {"digests": digests})


@require_POST
@role_required(*EDIT_ROLES)
def draft_now(request: HttpRequest) -> HttpResponse:
    digest = services.digest_draft(today=timezone.localdate())
    messages.success(
        request, f"Drafted the digest for week {digest.week} from today's data; your edits were kept."
    )
    return redirect("digest:edit", period=digest.period)


@role_required(*EDIT_ROLES)
def edit(request: HttpRequest, period: str) -> HttpResponse:
    digest = _digest(period)
    entries = list(digest.entries.order_by("position", "id"))
    if digest.is_published:
        messages.info(
            request, "This digest is published: its content is frozen. Draft the next one to write more."
        )
        if request.method == "POST":
            return render(request, "digest/editor.html", _context(digest, entries, None, None), status=409)
        return redirect("digest:period", period=digest.period)
    intro_form = IntroForm(request.POST or None, initial={"intro": digest.intro})
    entry_forms = {
        entry.pk: EntryForm(
            request.POST or None,
            prefix=f"e{entry.pk}",
            initial={"note": entry.note, "hidden": entry.hidden, "position": entry.position},
        )
        for entry in entries
    }
    if request.method == "POST":
        if intro_form.is_valid() and all(form.is_valid() for form in entry_forms.values()):
            edits = [
                services.EntryEdit(
                    pk, form.cleaned_data["note"], form.cleaned_data["hidden"], form.cleaned_data["position"]
                )
                for pk, form in entry_forms.items()
            ]
            move = _parse_move(request.POST.get("move", ""))
            try:
                services.digest_save_edits(
                    digest=digest, intro=intro_form.cleaned_data["intro"], edits=edits, move=move
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("digest:edit", period=digest.period)
            if unsafe_fields(intro_form.cleaned_data["intro"], [e.note for e in edits]):
                messages.warning(
                    request,
                    "Saved. Raw HTML in your text is shown as plain text, and links other than http(s) or mailto "
                    "are not made clickable.",
                )
            else:
                messages.success(request, "Saved.")
            if request.POST.get("then") == "preview":
                return redirect("digest:preview", period=digest.period)
            return redirect("digest:edit", period=digest.period)
        messages.error(request, "Nothing was saved: fix the fields marked below.")
    return render(
        request,
        "digest/editor.html",
        _context(digest, entries, intro_form, entry_forms),
        status=400 if request.method == "POST" else 200,
    )


def _parse_move(value: str) -> tuple[int, int] | None:
    entry_id, _, direction = value.partition(":")
    if entry_id.isdigit() and direction in ("up", "down"):
        return int(entry_id), -1 if direction == "up" else 1
    return None


def _context(digest: Digest, entries: list, intro_form: IntroForm | None, entry_forms: dict | None) -> dict:
    labels = dict(Section.choices)
    sections: dict[str, list] = {}
    for entry in entries:
        title = entry.data.get("name") or entry.data.get("label") or entry.key
        sections.setdefault(entry.section, []).append((entry, (entry_forms or {}).get(entry.pk), title))
    return {
        "digest": digest,
        "intro_form": intro_form,
        "sections": [(labels[key], sections[key]) for key in SECTION_ORDER if key in sections],
        "visible": sum(1 for entry in entries if not entry.hidden),
    }


@role_required(*EDIT_ROLES)
def preview(request: HttpRequest, period: str) -> HttpResponse:
    digest = _digest(period)
    if digest.is_published:
        return redirect("digest:period", period=digest.period)
    return _page(request, digest, preview=True)


@require_POST
@role_required(*EDIT_ROLES)
def publish(request: HttpRequest, period: str) -> HttpResponse:
    digest = _digest(period)
    try:
        digest = services.digest_publish(digest=digest, actor=request.user)
    except services.DigestLocked as exc:
        messages.info(request, " ".join(exc.messages))
        return redirect("digest:period", period=digest.period)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("digest:edit", period=digest.period)
    messages.success(request, f"Published the digest for week {digest.week}. Subscribers get it by email.")
    return redirect("digest:period", period=digest.period)
