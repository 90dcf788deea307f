"""The framework's rule, as plain functions over numbers: medians, thresholds and the verdict line.

"If PMs spend >20% of their time on internal status updates or the quality of inbound questions from Sales is
'How do I do X?' rather than 'What is the strategy for Y?', you need Product Ops." More than 20% means strictly
more: a PM at exactly 20% is at the line, not over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median


def fmt(value: float | Decimal) -> str:
    """A percentage or count as people write it: 22, 22.5 (never 22.50 or 22.0)."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


@dataclass(frozen=True)
class Condition:
    key: str
    holds: bool | None  # None: not enough data to say
    text: str


@dataclass
class Verdict:
    status: str  # "gap" (Product Ops is needed), "no_gap", or "too_few"
    headline: str
    conditions: list[Condition] = field(default_factory=list)


@dataclass(frozen=True)
class ShareStats:
    n: int
    median: float
    over: int
    share_over: float  # percent of people strictly over the threshold


def share_stats(values: Sequence[float], threshold: float) -> ShareStats:
    if not values:
        return ShareStats(0, 0.0, 0, 0.0)
    over = sum(1 for value in values if value > threshold)
    return ShareStats(len(values), float(median(values)), over, 100.0 * over / len(values))


def pm_condition(stats: ShareStats, threshold: float) -> Condition:
    m, t = stats.median, threshold
    people = f"{stats.over} of {stats.n} PMs ({fmt(stats.share_over)}%) are over the line"
    if m > t:
        text = (
            f"PMs spend more than {fmt(t)}% of their time on internal status updates: the median PM spends "
            f"{fmt(m)}%, {fmt(m - t)} points over the line; {people}."
        )
        return Condition("pm_time", True, text)
    where = (
        f"exactly at the line ({fmt(t)}% is not more than {fmt(t)}%)"
        if m == t
        else f"{fmt(t - m)} points under the line"
    )
    text = (
        f"PMs do not spend more than {fmt(t)}% of their time on internal status updates: the median PM spends "
        f"{fmt(m)}%, {where}; {people}."
    )
    return Condition("pm_time", False, text)


def inbound_condition(counts: dict[str, int], minimum: int, period: str) -> Condition:
    how_to, strategy, status = counts.get("how_to", 0), counts.get("strategy", 0), counts.get("status", 0)
    total = how_to + strategy + status
    if total < minimum:
        return Condition(
            "inbound",
            None,
            f"Too few classified questions from Sales {period} ({total}; at least {minimum} are needed) to judge "
            "the quality of inbound.",
        )
    h, s = 100.0 * how_to / total, 100.0 * strategy / total
    mix = f"{fmt(h)}% how-to and {fmt(s)}% strategy ({status} status questions make up the rest) of {total} {period}"
    if how_to > strategy:
        return Condition(
            "inbound",
            True,
            f"Sales's questions are more “how do I do X?” than “what is the strategy for Y?”: {mix}; how-to "
            f"leads by {fmt(h - s)} points.",
        )
    return Condition(
        "inbound",
        False,
        f"Sales's questions are not mostly “how do I do X?”: {mix}; strategy is level with or ahead of how-to "
        f"by {fmt(s - h)} points.",
    )


def verdict(*, answered: int, participants: int, minimum: int, conditions: list[Condition]) -> Verdict:
    if answered < minimum:
        return Verdict(
            "too_few",
            f"Too few answers for a verdict: {answered} of {participants} participants answered, and at least "
            f"{minimum} answers are needed.",
            [],
        )
    holding = [c for c in conditions if c.holds]
    if holding:
        names = ["PMs' internal time" if c.key == "pm_time" else "the quality of inbound" for c in holding]
        which = (
            f"both conditions hold ({' and '.join(names)})"
            if len(names) > 1
            else f"the condition on {names[0]} holds"
        )
        return Verdict("gap", f"The company needs Product Ops: {which}.", conditions)
    return Verdict("no_gap", "Neither of the framework's conditions holds.", conditions)


def histogram(values: Sequence[float], edges: Sequence[tuple[str, float, float]]) -> list[int]:
    """Counts per labelled [low, high] bin (inclusive both ends; whole-number answers do not straddle bins)."""
    return [sum(1 for v in values if low <= v <= high) for _label, low, high in edges]


PERCENT_BINS = [("0-10", 0, 10)] + [(f"{lo + 1}-{lo + 10}", lo + 1, lo + 10) for lo in range(10, 100, 10)]
COUNT_BINS = [
    ("0", 0, 0),
    ("1-2", 1, 2),
    ("3-5", 3, 5),
    ("6-10", 6, 10),
    ("11-20", 11, 20),
    ("21+", 21, 10**9),
]
