from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kvalitetsplan/", include("kvalitet.plan_urls")),
    path("handleplaner/", include("handleplaner.urls")),
    path("observasjoner/", include("observasjoner.urls")),
    path("rapporter/", include("rapporter.urls")),
    path("", include("barnehager.urls")),
]
