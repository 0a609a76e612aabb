from django import forms
from django.utils.translation import gettext_lazy as _

from barnehager.models import AuditAction
from barnehager.widgets import DateInput


class AuditFilterForm(forms.Form):
    """The audit log's filters; every field may stay empty."""

    action = forms.ChoiceField(label=_("What"), required=False,
                               choices=[("", _("Everything")), *AuditAction.choices])
    who = forms.CharField(label=_("Who (e-mail)"), required=False, max_length=254)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
