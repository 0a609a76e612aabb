"""`{% amendments observasjon %}`: the audited amendments of an observation's scores, for
any page that shows its results (and a link to amend them, for consultants)."""

from django import template

from observasjoner.models import Endring

register = template.Library()


@register.inclusion_tag("observasjoner/rounds/_amendments.html", takes_context=True)
def amendments(context, observasjon):
    user = context["request"].user
    return {
        "observasjon": observasjon,
        "endringer": list(Endring.objects.filter(skaar__syklus__observasjon=observasjon)
                          .select_related("amended_by", "skaar__dimensjon", "skaar__syklus")),
        "can_amend": user.has_perm("observasjoner.amend", observasjon),
    }
