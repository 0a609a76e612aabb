"""What the CLASS figures mean, in words a committee member understands, and how sure we are.

The annual report and the consultant's municipality dashboard print the same sentences
(docs/domain.md, Reports: conclusions). For each instrument and domain a sentence says

- the level against the research threshold: *clearly above*, *close to* or *clearly
  below*, from a 95 % confidence interval of the mean (Student's t with n - 1 degrees of
  freedom); a mean whose interval contains the threshold is "close to" it;
- the change since last year and since the first year with observations (the start of
  the programme in the data): *clearly higher*, *no clear change* or *clearly lower*, from
  a 95 % interval for the difference of the two means with Welch's method (unequal
  variances, Welch-Satterthwaite degrees of freedom). Only an interval that excludes 0 is a
  clear change; a difference inside the noise of the instrument is "no clear change",
  however it would read as "+0,05".

The statistics are pure functions over `Sample` (mean, sample standard deviation
between observations, n), so they can be checked by hand. `sample_of` is the one place a
`rapporter.selectors.Figure` becomes a `Sample` (a Figure's `sd` is the sample standard deviation
of its observations; `FIGURE_SD_IS_POPULATION` says so in one place). A year's figure is
pooled from its semesters' figures (`pooled`), exactly, from their means, SDs and ns.

A group under `PRIVACY_MIN_N` observations gives no conclusion ("too few observations"),
so the sentences never reveal what the report suppresses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.utils import formats
from django.utils.translation import gettext as _

from rapporter import selectors

CONFIDENCE = 0.95
# Welch needs the sample standard deviation (divides by n - 1), which the selectors' SQL
# figures carry (STDDEV_SAMP). Were a Figure's `sd` the population one (`statistics.pstdev`,
# divides by n), set this to True; tests/rapporter/test_conclusions.py checks which it is.
FIGURE_SD_IS_POPULATION = False
MIN_N = selectors.PRIVACY_MIN_N

# Verdicts.
HIGHER, NO_CLEAR_CHANGE, LOWER, UNKNOWN = "higher", "no_clear_change", "lower", "unknown"
ABOVE, CLOSE, BELOW = "above", "close", "below"


# Statistics ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Sample:
    """A group of observation scores summarised: mean, sample SD (n - 1) and n."""

    mean: float
    sd: float
    n: int


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95 % interval; `df` the degrees of freedom behind it."""

    estimate: float
    low: float
    high: float
    df: float | None

    def excludes(self, value: float) -> bool:
        return value < self.low or value > self.high


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-14
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@cache
def t_quantile(p: float, df: float) -> float:
    """The t value below which a share `p` (0.5 < p < 1) of the distribution lies."""
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _step in range(200):
        middle = (low + high) / 2.0
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
        if high - low < 1e-10:
            break
    return (low + high) / 2.0


def mean_interval(sample: Sample, confidence: float = CONFIDENCE) -> Interval | None:
    """The interval of a mean: mean ± t(n - 1) · sd / √n. None with fewer than 2."""
    if sample.n < 2:
        return None
    half = t_quantile(0.5 + confidence / 2, sample.n - 1) * sample.sd / math.sqrt(sample.n)
    return Interval(sample.mean, sample.mean - half, sample.mean + half, sample.n - 1)


def welch_interval(after: Sample, before: Sample,
                   confidence: float = CONFIDENCE) -> Interval | None:
    """The interval of `after.mean - before.mean` by Welch's method; None when either
    group has fewer than 2 observations."""
    if after.n < 2 or before.n < 2:
        return None
    difference = after.mean - before.mean
    va, vb = after.sd ** 2 / after.n, before.sd ** 2 / before.n
    se = math.sqrt(va + vb)
    if se == 0:
        return Interval(difference, difference, difference, None)
    df = (va + vb) ** 2 / (va ** 2 / (after.n - 1) + vb ** 2 / (before.n - 1))
    half = t_quantile(0.5 + confidence / 2, df) * se
    return Interval(difference, difference - half, difference + half, df)


def change_verdict(interval: Interval | None) -> str:
    """HIGHER or LOWER only when the interval of the difference excludes 0."""
    if interval is None:
        return UNKNOWN
    if interval.low > 0:
        return HIGHER
    if interval.high < 0:
        return LOWER
    return NO_CLEAR_CHANGE


def level_verdict(sample: Sample, threshold: float) -> str:
    """ABOVE or BELOW only when the mean's interval lies wholly on one side of the
    threshold; CLOSE when it contains it. A threshold is passed strictly above it."""
    interval = mean_interval(sample)
    if interval is None:
        return ABOVE if sample.mean > threshold else BELOW
    if interval.low > threshold:
        return ABOVE
    if interval.high < threshold:
        return BELOW
    return CLOSE


def sample_of(figure: selectors.Figure | None) -> Sample | None:
    """A group's Figure as a Sample (no minimum: the caller pools and then applies it);
    None when it is empty or suppressed. This is the one place that knows which standard
    deviation a Figure carries."""
    if figure is None or figure.suppressed or figure.mean is None or figure.n < 1:
        return None
    sd = figure.sd or 0.0
    if FIGURE_SD_IS_POPULATION and figure.n > 1:
        sd *= math.sqrt(figure.n / (figure.n - 1))
    return Sample(figure.mean, sd, figure.n)


def pooled(parts: Sequence[Sample | None]) -> Sample | None:
    """Groups (e.g. the two semesters of a year) as one: the mean, sample SD and n of all
    their observations together, from each group's mean, SD and n."""
    present = [part for part in parts if part is not None and part.n > 0]
    n = sum(part.n for part in present)
    if not n:
        return None
    mean = sum(part.n * part.mean for part in present) / n
    if n < 2:
        return Sample(mean, 0.0, n)
    squares = sum((part.n - 1) * part.sd ** 2 + part.n * (part.mean - mean) ** 2
                  for part in present)
    return Sample(mean, math.sqrt(max(squares, 0.0) / (n - 1)), n)


# Words ---------------------------------------------------------------------------------

def change_words(verdict: str) -> str:
    return {HIGHER: _("clearly higher"), LOWER: _("clearly lower"),
            NO_CLEAR_CHANGE: _("no clear change"),
            UNKNOWN: _("too few observations to compare")}[verdict]


def level_words(verdict: str, threshold: float) -> str:
    value = _number(threshold, 0)
    return {ABOVE: _("clearly above the research threshold of %(value)s"),
            CLOSE: _("close to the research threshold of %(value)s"),
            BELOW: _("clearly below the research threshold of %(value)s")}[verdict] % {
        "value": value}


def _number(value: float, digits: int = 2) -> str:
    return formats.number_format(round(value, digits), digits)


@dataclass(frozen=True)
class Comparison:
    """The domain now against an earlier year."""

    year: int
    before: Sample | None
    interval: Interval | None

    @property
    def verdict(self) -> str:
        return change_verdict(self.interval)

    @property
    def words(self) -> str:
        return change_words(self.verdict)

    @property
    def interval_text(self) -> str:
        """"−0,21 to +0,31": for the table beside the sentences, never alone."""
        if self.interval is None:
            return "–"
        return _("%(low)s to %(high)s") % {"low": _signed(self.interval.low),
                                             "high": _signed(self.interval.high)}


def _signed(value: float) -> str:
    """With the sign of the value itself, so an interval ending at −0.004 reads "−0,00":
    it does reach below 0."""
    if value == 0:
        return "±" + _number(0)
    return ("+" if value > 0 else "−") + _number(abs(value))


@dataclass(frozen=True)
class DomainConclusion:
    """One instrument's domain in one year, with the sentence the report prints."""

    instrument: str
    instrument_name: str
    code: str
    name: str
    year: int
    threshold: float | None
    now: Sample | None
    n: int
    last_year: Comparison | None
    since_start: Comparison | None

    @property
    def level(self) -> str | None:
        if self.now is None or self.threshold is None:
            return None
        return level_verdict(self.now, self.threshold)

    @property
    def label(self) -> str:
        return f"{self.instrument_name}, {self.code} {self.name}"

    @property
    def sentence(self) -> str:
        """The conclusion in the active language, e.g. "CLASS Pre-K, ES Emotional Support:
        5,69 on average over 46 observations, clearly above the research threshold of 5.
        Compared with 2024: no clear change. Since 2022, the first year with observations:
        clearly higher." """
        if self.now is None:
            return _("%(label)s: too few observations in %(year)s to draw a conclusion "
                     "(%(n)s; at least %(min_n)s are needed).") % {
                "label": self.label, "year": self.year, "n": self.n, "min_n": MIN_N}
        parts = []
        values = {"label": self.label, "mean": _number(self.now.mean), "n": self.now.n}
        level = self.level
        if level is None:
            parts.append(_("%(label)s: %(mean)s on average over %(n)s observations.") % values)
        else:
            parts.append(_("%(label)s: %(mean)s on average over %(n)s observations, "
                           "%(level)s.") % {**values, "level": level_words(
                               level, self.threshold or 0)})
        if self.last_year is not None:
            parts.append(_("Compared with %(year)s: %(change)s.") % {
                "year": self.last_year.year, "change": self.last_year.words})
        if self.since_start is not None:
            parts.append(_("Since %(year)s, the first year with observations: %(change)s.")
                         % {"year": self.since_start.year, "change": self.since_start.words})
        return " ".join(parts)


def _year_samples(trend: Sequence[selectors.GroupFigures], code: str,
                  year: int) -> Sample | None:
    """A domain's observations of one year, pooled from its semesters."""
    return pooled([sample_of(group.figures.get(code)) for group in trend
                   if isinstance(group.key, selectors.SemesterKey) and group.key.year == year])


def _enough(sample: Sample | None, min_n: int) -> Sample | None:
    return sample if sample is not None and sample.n >= max(min_n, 2) else None


def domain_conclusions(data: selectors.ObservationSet, year: int, *,
                       min_n: int = MIN_N) -> list[DomainConclusion]:
    """Per instrument with observations in `year` and per domain: the conclusion.

    The figures are the selectors' per-semester figures (`domain_trend`), pooled per year.
    "Since the start" compares with the first year with observations of the instrument
    when that lies before last year (otherwise it is last year, or there is none). A year
    with fewer than `min_n` observations of a domain gives no conclusion.
    """
    result = []
    for instrument in data.instrument_codes():
        trend = [group for group in selectors.domain_trend(data, instrument)
                 if group.n and isinstance(group.key, selectors.SemesterKey)]
        years = sorted({group.key.year for group in trend
                        if isinstance(group.key, selectors.SemesterKey) and group.key.year <= year})
        if year not in years:
            continue
        first_year = years[0]
        names = data.domain_names(instrument)
        for domain in data.domains(instrument):
            everything = _year_samples(trend, domain.code, year)
            now = _enough(everything, min_n)

            def compare(when: int, now: Sample | None = now, code: str = domain.code,
                        trend: list[selectors.GroupFigures] = trend) -> Comparison:
                before = _enough(_year_samples(trend, code, when), min_n)
                interval = (welch_interval(now, before)
                            if now is not None and before is not None else None)
                return Comparison(when, before, interval)

            result.append(DomainConclusion(
                instrument=instrument, instrument_name=data.instruments[instrument].name,
                code=domain.code, name=names.get(domain.code, ""), year=year,
                threshold=domain.threshold, now=now,
                n=everything.n if everything else 0,
                last_year=compare(year - 1) if year - 1 in years else None,
                since_start=compare(first_year) if first_year < year - 1 else None))
    return result


def sentences(conclusions: Sequence[DomainConclusion]) -> list[str]:
    return [conclusion.sentence for conclusion in conclusions]
