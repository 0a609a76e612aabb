"""Log-in, log-out, password change and reset, Argon2 and throttled failed log-ins."""

import re

from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.urls import reverse

from kvalitet import settings as project_settings
from tests.world import PASSWORD


def test_login_with_email_and_password_lands_on_home(client, world):
    response = client.post(reverse("login"),
                           {"username": world.users["leader"].email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "A1 barnehage" in client.get(reverse("home")).content.decode()


def test_wrong_password_shows_an_error_in_the_users_language(client, world):
    response = client.post(reverse("login"), {"username": world.users["leader"].email,
                                              "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "correct" in response.content.decode()  # Django: "Please enter a correct ..."


def test_five_failures_lock_the_account_even_with_the_right_password(client, world):
    email = world.users["leader"].email
    for _ in range(5):
        client.post(reverse("login"), {"username": email, "password": "wrong"})
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post_and_ends_the_session(client, world):
    client.force_login(world.users["leader"])
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, world):
    user = world.users["consultant"]
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "a much longer secret 42",
        "new_password2": "a much longer secret 42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a much longer secret 42")


def test_password_reset_mails_a_link_that_sets_a_new_password(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = world.users["observer"]
    client.post(reverse("password_reset"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "brand new secret 2026",
                           "new_password2": "brand new secret 2026"})
    user.refresh_from_db()
    assert user.check_password("brand new secret 2026")


def test_passwords_are_hashed_with_argon2():
    """The project's settings (tests swap in a fast hasher through a fixture)."""

    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    assert hasher.encode("secret value", hasher.salt()).startswith("argon2$")


def test_reset_mail_to_one_address_is_throttled(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email = world.users["leader"].email
    answers = [client.post(reverse("password_reset"), {"email": email}) for _ in range(8)]

    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS == 3
    # The same answer either way: nobody learns that mail was held back.
    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {reverse("password_reset_done")}


def test_one_client_asking_for_many_resets_is_told_to_wait(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 4
    statuses = [client.post(reverse("password_reset"),
                            {"email": f"someone{n}@example.test"}).status_code
                for n in range(6)]
    assert statuses == [302, 302, 302, 302, 429, 429]
    assert "Too many password-reset requests" in client.post(
        reverse("password_reset"), {"email": "x@example.test"}).content.decode()


def test_behind_a_proxy_the_lockout_keys_on_the_real_client(client, world, settings):
    """Five wrong passwords from one client must not lock the account for everyone else
    who reaches Kvalitet through the same TLS proxy."""
    settings.KVALITET_TRUSTED_PROXIES = 1
    email = world.users["leader"].email
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        client.post(reverse("login"), {"username": email, "password": "wrong"},
                    HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy)
    attacker = client.post(reverse("login"), {"username": email, "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy)
    # A forged left-most entry does not help: the proxy appended the real address.
    forged = client.post(reverse("login"), {"username": email, "password": PASSWORD},
                         HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.66", **proxy)
    victim = client.post(reverse("login"), {"username": email, "password": PASSWORD},
                         HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)

    assert attacker.status_code == 429
    assert forged.status_code == 429
    assert victim.status_code == 302


def test_reset_mail_still_goes_out_when_the_cache_is_down(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"socket_connect_timeout": 1}}}
    response = client.post(reverse("password_reset"), {"email": world.users["leader"].email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
