"""Print a Cookie header value for a logged-in session of the demo user in SCAN_LOGIN.

Run through `manage.py shell` by bin/scan.sh; the scanner then browses as that user. The
session has passed the second factor (through django-otp, with a confirmed device made for
the scan) and the CSRF cookie goes with it, so the scanner's form posts reach the views
instead of stopping at the CSRF check.
"""
import os

import django_otp
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

user = get_user_model().objects.get(email=os.environ["SCAN_LOGIN"])
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(user)
device = TOTPDevice.objects.create(user=user, name="scan", confirmed=True)
request = HttpRequest()
request.session = client.session
request.user = user
django_otp.login(request, device)
request.session.save()
client.get(reverse("password_change"))  # a page with a form sets the CSRF cookie
cookies = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
print("; ".join(f"{name}={client.cookies[name].value}" for name in cookies))
