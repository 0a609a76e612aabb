"""A real OpenID Connect provider for the single sign-on tests: a small Django project on
django-oauth-toolkit's OIDC support, run as its own process on loopback (tests/barnehager/
test_single_sign_on.py starts it). It plays the part of Feide or Entra ID."""
