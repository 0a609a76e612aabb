from oauth2_provider.oauth2_validators import OAuth2Validator


class EmailClaims(OAuth2Validator):
    """Puts the person's e-mail address in the ID token, as Feide and Entra ID do."""

    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return {"email": request.user.email, "name": request.user.get_full_name()}
