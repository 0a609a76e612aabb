from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from barnehager.registry import ShownSection

register = template.Library()


@register.simple_tag(takes_context=True)
def home_section(context: Context, section: ShownSection) -> SafeString:
    """One registered section, rendered as `{% include %}` would: in the page's context with
    the section's own variables on top."""
    assert context.template is not None
    section_template = context.template.engine.get_template(section.template)
    with context.push(section.context):
        return section_template.render(context)
