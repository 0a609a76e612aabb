"""The Celery app. Configuration comes from Django settings prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")

app = Celery("kvalitet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Tasks that live in a feature package rather than at the top of their app.
app.autodiscover_tasks(["rapporter.reports", "observasjoner.rounds"])
