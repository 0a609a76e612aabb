from django import template

from kvalitet.plans import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def quality_plan_summary(context):
    """The home page's quality-plan section for the user viewing it."""
    return selectors.home_summary(context["request"].user)
