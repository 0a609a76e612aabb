import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")
application = get_wsgi_application()

# The apps' task modules, loaded as the web process starts rather than by the first request
# that queues work through the outbox (0.7 s: barnehager.outbox._task).
from kvalitet.celery import app  # noqa: E402

app.loader.import_default_modules()
