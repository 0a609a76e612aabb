"""The test settings as the fault tests' gunicorn and Celery processes run them: the
project's own settings (KVALITET_ENVIRONMENT=test, everything from the environment) with
what those processes need to share a test run.

- the test run's fast password hasher, so the world's users can log in;
- e-mail written to files in the test's mail folder, to count what went out;
- a short Redis visibility timeout, so a message a killed worker had taken comes back in
  seconds rather than production's quarter of an hour;
- with KVALITET_FAULT_TEMPLATES=1, tests/faults/templates first: a broken report template.
"""

import os
from pathlib import Path

from kvalitet.settings import *  # noqa: F403
from kvalitet.settings import CELERY_BROKER_TRANSPORT_OPTIONS, TEMPLATES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["KVALITET_FAULT_MAIL_DIR"]

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": int(os.environ.get("KVALITET_FAULT_VISIBILITY_TIMEOUT", "10")),
    # ...and a worker looks for such messages every second (production: every 100 s).
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
    # A worker killed while it held the restore lock would block restoring for 5 minutes.
    "unacked_mutex_expire": 3,
}

if os.environ.get("KVALITET_FAULT_TEMPLATES"):
    TEMPLATES = [{**TEMPLATES[0],
                  "DIRS": [Path(__file__).parent / "templates", *TEMPLATES[0]["DIRS"]]}]

if os.environ.get("KVALITET_FAULT_NO_HEALTH_CHECKS"):
    # Only to show that tests/faults/test_postgresql.py catches a missing health check.
    DATABASES = {"default": {**DATABASES["default"], "CONN_HEALTH_CHECKS": False}}  # noqa: F405
