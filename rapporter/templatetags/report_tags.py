"""Number formatting for reports (a suppressed or missing figure prints "–")."""

from django import template
from django.utils import formats

register = template.Library()

DASH = "–"


@register.filter
def num(value, digits=0):
    """A number in the active language's format; "–" for None."""
    if value is None or value == "":
        return DASH
    return formats.number_format(round(float(value), int(digits)), int(digits))


@register.filter
def score(figure, digits=2):
    """A selectors.Figure's mean, or "–" when it is suppressed or has no data."""
    if figure is None or getattr(figure, "suppressed", False):
        return DASH
    return num(getattr(figure, "mean", figure), digits)


@register.filter
def signed(value, digits=0):
    """A change with its sign (+0,12 / −0,05 / ±0); "–" when there is nothing to compare."""
    if value is None:
        return DASH
    value = round(float(value), int(digits))
    if value == 0:
        return "±" + formats.number_format(0, int(digits))
    sign = "+" if value > 0 else "−"
    return sign + formats.number_format(abs(value), int(digits))


@register.filter
def percent(part, whole):
    """`part` as a whole percentage of `whole`; "–" when `whole` is 0."""
    if not whole:
        return DASH
    return f"{round(100 * part / whole)} %"


@register.filter
def share(value):
    """A share (0-1) as a whole percentage, rounded as the dashboards print it; "–" for
    None."""
    if value is None:
        return DASH
    return f"{formats.number_format(round(100 * value), 0)} %"


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (None when missing)."""
    return mapping.get(key) if mapping else None


@register.filter
def difference(value, other):
    """`value - other` of the two as printed (two decimals), so the column adds up for a
    reader; None when either is missing."""
    if value is None or other is None:
        return None
    return round(float(value), 2) - round(float(other), 2)


@register.filter
def progress_step(percentage):
    """A percentage rounded to the nearest ten, for the progress bar's width class."""
    return min(100, max(0, int(round(float(percentage or 0), -1))))
