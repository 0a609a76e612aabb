from django import template

from observasjoner.tilsyn import selectors as tilsyn_selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def tilsyn_summary(context):
    """The home page's supervision section for the user viewing it."""
    return tilsyn_selectors.home_summary(context["request"].user)
