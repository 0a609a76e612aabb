"""Print a Cookie header value for a logged-in session of the demo user in SCAN_LOGIN.

Run through `manage.py shell` by bin/scan.sh; the scanner then browses as that user. The
CSRF cookie goes with it, so the scanner's form posts reach the views instead of stopping
at the CSRF check.
"""
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(get_user_model().objects.get(email=os.environ["SCAN_LOGIN"]))
client.get(reverse("password_change"))  # a page with a form sets the CSRF cookie
cookies = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
print("; ".join(f"{name}={client.cookies[name].value}" for name in cookies))
