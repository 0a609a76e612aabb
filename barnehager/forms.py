from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from barnehager.models import User
from barnehager.sso.models import SingleSignOn


class EmailAuthenticationForm(AuthenticationForm):
    """Log-in by e-mail address: demo and real users have their address as username."""

    username = forms.CharField(
        label=_("E-mail address"), max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def confirm_login_allowed(self, user: User) -> None:
        """A municipality that turned local passwords off logs its people in through its
        provider only (barnehager/sso)."""
        super().confirm_login_allowed(user)
        kommuner = set(user.memberships.values_list("kommune_id", flat=True))
        closed = SingleSignOn.objects.filter(kommune__in=kommuner, enabled=True,
                                             allow_passwords=False)
        if kommuner and closed.count() == len(kommuner):
            labels = ", ".join(sorted(closed.values_list("label", flat=True)))
            raise forms.ValidationError(
                _("Your municipality logs in through %(provider)s: use the button below."),
                code="single_sign_on_only", params={"provider": labels})


class LanguagePreferenceForm(forms.ModelForm):
    """Her language on every device; empty means her municipality's language."""

    def __init__(self, *args: object, municipal_name: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["language"]
        field.label = _("Language")
        field.help_text = _("Kvalitet speaks to you in this language on every device you "
                            "log in on.")
        # The language names in her current language, as the menu's switch shows them.
        choices = list(settings.LANGUAGES)
        default = (_("My municipality's language (%(name)s)") % {"name": municipal_name}
                   if municipal_name else _("My municipality's language"))
        field.choices = [("", default), *choices]  # type: ignore[attr-defined]

    class Meta:
        model = User
        fields = ["language"]
