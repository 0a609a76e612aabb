from django.contrib import admin
from django.urls import include, path

from observasjoner.recording.views import service_worker

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The tablet's service worker must sit at the root to control the observer's pages.
    path("sw.js", service_worker, name="service-worker"),
    path("kvalitetsplan/", include("kvalitet.plans.urls")),
    path("handleplaner/", include("handleplaner.urls")),
    path("observasjoner/", include("observasjoner.urls")),
    path("rapporter/", include("rapporter.urls")),
    path("", include("barnehager.urls")),
]
