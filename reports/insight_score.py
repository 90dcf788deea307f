"""The insight score: transparent, weighted, and computed from stored figures so a saved report re-ranks the same way.

Each term is weight x (the theme's figure / the largest figure among the compared themes): the theme with the most
open pipeline blocked gets the whole pipeline weight, one with half as much gets half of it. The score is the sum of
the terms; every term is shown, so the ranking explains itself. Unknown amounts add nothing to a term (they are shown
beside the figure instead of being guessed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

MAX_WEIGHT = Decimal(100)


@dataclass(frozen=True)
class Term:
    key: str
    label: str
    short: str  # in the ranking's explanation, where six terms share one line
    value: Callable[[dict[str, Any]], Decimal]


TERMS: tuple[Term, ...] = (
    Term("pipeline", "Open pipeline blocked", "Pipeline", lambda t: Decimal(t["pipeline"]["amount"])),
    Term("installed", "Installed-base demand", "Installed base", lambda t: Decimal(t["installed"]["arr"])),
    Term("at_risk", "ARR at risk", "At risk", lambda t: Decimal(t["at_risk"]["arr"])),
    Term("calls", "Gong calls", "Calls", lambda t: Decimal(t["pain"]["calls"])),
    Term("tickets", "Zendesk tickets", "Tickets", lambda t: Decimal(t["pain"]["tickets"])),
    Term("detractors", "NPS detractors", "Detractors", lambda t: Decimal(t["pain"]["detractors"])),
)
TERM_KEYS = tuple(term.key for term in TERMS)


def default_weights() -> dict[str, Decimal]:
    configured = settings.INSIGHT_WEIGHTS
    return {key: Decimal(str(configured.get(key, 0))) for key in TERM_KEYS}


def parse_weight(raw: object) -> Decimal:
    """One weight from user input. Raises ValueError with a message a person can act on."""
    text = str(raw).strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text[:20]}” is not a number.") from None
    if not value.is_finite():
        raise ValueError("Must be a finite number.")
    if value < 0:
        raise ValueError("Must be 0 or more.")
    if value > MAX_WEIGHT:
        raise ValueError(f"Must be at most {MAX_WEIGHT}.")
    return value.quantize(Decimal("0.01")).normalize() if value else Decimal(0)


def rank(themes: list[dict[str, Any]], weights: dict[str, Decimal]) -> list[dict[str, Any]]:
    """The themes with their score terms, best first (ties by name). Does not change the figures passed in."""
    maxima = {term.key: max((term.value(t) for t in themes), default=Decimal(0)) for term in TERMS}
    ranked = []
    for theme in themes:
        terms = []
        for term in TERMS:
            value = term.value(theme)
            top = maxima[term.key]
            share = value / top if top else Decimal(0)
            weight = weights.get(term.key, Decimal(0))
            terms.append(
                {
                    "key": term.key,
                    "label": term.label,
                    "short": term.short,
                    "weight": weight,
                    "share": round(share, 3),
                    "points": round(weight * share, 2),
                }
            )
        score = sum((term["points"] for term in terms), Decimal(0))
        ranked.append({**theme, "terms": terms, "score": score})
    ranked.sort(key=lambda row: (-row["score"], row["name"]))
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
    return ranked
