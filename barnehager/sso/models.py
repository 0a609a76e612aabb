from __future__ import annotations

from urllib.parse import urlsplit

from django.db import models
from django.utils.translation import gettext_lazy as _


class SingleSignOn(models.Model):
    """A municipality's OpenID Connect provider. Only platform operators configure one (the
    Django admin): the secret and the issuer decide who can become whom.

    A person who logs in through it is matched by e-mail to an account invited into that
    municipality; the provider never creates an account or grants a role."""

    kommune = models.OneToOneField("barnehager.Kommune", on_delete=models.CASCADE,
                                   related_name="single_sign_on", verbose_name=_("municipality"))
    label = models.CharField(_("button label"), max_length=60,
                             help_text=_("What the log-in button says, e.g. Feide or Microsoft."))
    issuer = models.URLField(
        _("issuer"), help_text=_("The provider's issuer URL; its discovery document is read "
                                 "from <issuer>/.well-known/openid-configuration."))
    client_id = models.CharField(_("client id"), max_length=200)
    client_secret = models.CharField(_("client secret"), max_length=500)
    email_claim = models.CharField(
        _("e-mail claim"), max_length=60, default="email",
        help_text=_("The claim of the ID token that holds the person's e-mail address "
                    "(email for Feide; email, preferred_username or upn for Entra ID)."))
    allow_passwords = models.BooleanField(
        _("local passwords allowed"), default=True,
        help_text=_("Off: the municipality's people log in through the provider only."))
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("single sign-on")
        verbose_name_plural = _("single sign-on")

    def __str__(self) -> str:
        return f"{self.kommune}: {self.label}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"


def sso_origin(sso: SingleSignOn) -> str:
    """The provider's origin (scheme://host:port), for the log-in page's CSP."""
    parts = urlsplit(sso.issuer)
    return f"{parts.scheme}://{parts.netloc}"
