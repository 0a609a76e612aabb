from django.urls import include, path  # noqa: F401 - patterns are added as the app's views land

app_name = "observasjoner"

urlpatterns = []

urlpatterns += [path("tilsyn/", include("observasjoner.tilsyn_urls"))]

# The consultant's rounds, amendments, reliability, import and export.
urlpatterns += [path("", include("observasjoner.rounds_urls"))]
