"""Single sign-on through the identity provider a municipality already runs (OpenID
Connect: Feide, Microsoft Entra ID), configured per municipality in the database.
docs/domain.md, "Organisation, roles and tenancy"."""
