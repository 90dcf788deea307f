"""Statistics for the trend reports: is a theme's recent weekly volume above its own trailing baseline?

The test is the **exact conditional test for two Poisson rates** (Przyborowski & Wilenski, 1940): if a theme's weekly
count is Poisson with one rate across the baseline weeks and the recent weeks, then, given the total n of both periods,
the recent count is Binomial(n, K / (K + B)) (K recent weeks, B baseline weeks). The one-sided p-value is the upper
binomial tail. Unlike plugging the baseline mean into a Poisson tail, it accounts for the baseline being an estimate
itself, so a theme with a short or thin history does not flag on noise.

Real feedback is burstier than Poisson (one outage, twenty tickets). When the baseline weeks vary more than a Poisson
would (Pearson dispersion φ > 1), the counts are scaled down by φ before the test (the quasi-Poisson adjustment), so
bursty themes must rise further to flag. Across themes, p-values are corrected with Benjamini-Hochberg (false discovery
rate), because testing a dozen themes every week at 5 % would otherwise flag one on noise most weeks.

No scipy: the one special function needed, the regularized incomplete beta, is below (continued fraction, as in
Numerical Recipes §6.4) and checked against exact binomial sums in tests/reports/test_stats.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

_EPS = 1e-15
_TINY = 1e-300


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Lentz's method for the continued fraction of the incomplete beta function."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(log_front)
    # The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) beyond.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def binomial_upper_tail(k: float, n: float, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), extended to non-integer k and n (for the quasi-Poisson scaling)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    return regularized_beta(p, k, n - k + 1.0)


def dispersion(counts: Sequence[int]) -> float:
    """Pearson dispersion of weekly counts around their mean, floored at 1 (a Poisson has 1)."""
    if len(counts) < 2:
        return 1.0
    mean = sum(counts) / len(counts)
    if mean <= 0:
        return 1.0
    chi2 = sum((c - mean) ** 2 / mean for c in counts)
    return max(1.0, chi2 / (len(counts) - 1))


@dataclass(frozen=True)
class RiseTest:
    """The verdict on one series: its recent weeks against its own trailing baseline."""

    recent: int
    baseline: int
    recent_weeks: int
    baseline_weeks: int
    dispersion: float
    p_value: float
    q_value: float = 1.0
    rising: bool = False
    enough_history: bool = True

    @property
    def expected(self) -> float:
        """What the recent weeks would hold at the baseline's weekly rate."""
        if not self.baseline_weeks:
            return 0.0
        return self.baseline * self.recent_weeks / self.baseline_weeks

    @property
    def rate_ratio(self) -> float | None:
        """Recent weekly rate over baseline weekly rate; None when the baseline is empty."""
        if not self.baseline or not self.recent_weeks:
            return None
        return (self.recent / self.recent_weeks) / (self.baseline / self.baseline_weeks)

    def as_dict(self) -> dict[str, object]:
        return {
            "recent": self.recent,
            "baseline": self.baseline,
            "recent_weeks": self.recent_weeks,
            "baseline_weeks": self.baseline_weeks,
            "expected": round(self.expected, 2),
            "rate_ratio": None if self.rate_ratio is None else round(self.rate_ratio, 3),
            "dispersion": round(self.dispersion, 3),
            "p_value": self.p_value,
            "q_value": self.q_value,
            "rising": self.rising,
            "enough_history": self.enough_history,
        }


def rise_test(
    recent_counts: Sequence[int], baseline_counts: Sequence[int], *, min_baseline_weeks: int = 4
) -> RiseTest:
    """One-sided exact conditional Poisson rate test, quasi-Poisson adjusted. q_value/rising are set by `flag`."""
    recent, baseline = int(sum(recent_counts)), int(sum(baseline_counts))
    k_weeks, b_weeks = len(recent_counts), len(baseline_counts)
    if k_weeks == 0 or b_weeks < min_baseline_weeks:
        return RiseTest(recent, baseline, k_weeks, b_weeks, 1.0, 1.0, enough_history=False)
    phi = dispersion(baseline_counts)
    share = k_weeks / (k_weeks + b_weeks)
    p_value = binomial_upper_tail(recent / phi, (recent + baseline) / phi, share)
    return RiseTest(recent, baseline, k_weeks, b_weeks, phi, min(1.0, max(0.0, p_value)))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """BH-adjusted q-values, in the input order (step-up, monotone)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        q[i] = min(1.0, running)
    return q


def flag(tests: Sequence[RiseTest], *, alpha: float, min_recent: int) -> list[RiseTest]:
    """Correct a family of tests together; a series rises when q ≤ alpha, it grew, and has min_recent items."""
    testable = [i for i, t in enumerate(tests) if t.enough_history]
    q_values = benjamini_hochberg([tests[i].p_value for i in testable])
    out = list(tests)
    for i, q in zip(testable, q_values, strict=True):
        t = tests[i]
        grew = t.recent * t.baseline_weeks > t.baseline * t.recent_weeks
        out[i] = replace(t, q_value=q, rising=q <= alpha and grew and t.recent >= min_recent)
    return out


def two_sided_rate_p(before: int, after: int) -> float:
    """Equal-length periods: two-sided exact conditional test that both hold the same Poisson rate."""
    n = before + after
    if n == 0:
        return 1.0
    upper = binomial_upper_tail(max(before, after), n, 0.5)
    return min(1.0, 2 * upper)
