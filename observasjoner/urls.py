from django.urls import URLPattern, URLResolver, include, path

from observasjoner.feedback import views as feedback_views
from observasjoner.recording import api
from observasjoner.recording import views as recording_views

app_name = "observasjoner"

urlpatterns: list[URLPattern | URLResolver] = []

urlpatterns += [path("tilsyn/", include("observasjoner.tilsyn.urls"))]

# The observer's tablet, results and feedback, practice stories.
urlpatterns += [
    path("mine/", recording_views.my_observations, name="my-observations"),
    path("<int:pk>/", recording_views.observation_detail, name="observation-detail"),
    path("<int:pk>/registrering/", recording_views.record, name="record"),
    path("<int:pk>/tilbakemelding/", feedback_views.feedback, name="feedback"),
    path("resultater/", feedback_views.result_list, name="result-list"),
    path("api/frakoblet/", api.offline_pages, name="api-offline-pages"),
    path("api/<int:pk>/", api.observation_state, name="api-state"),
    path("api/<int:pk>/sykluser/", api.save_cycle, name="api-cycle"),
    path("api/<int:pk>/skaar/", api.save_score, name="api-score"),
    path("api/<int:pk>/observasjon/", api.save_observation, name="api-observation"),
    path("api/<int:pk>/send-inn/", api.submit, name="api-submit"),
    path("praksisfortellinger/", feedback_views.story_list, name="story-list"),
    path("praksisfortellinger/ny/", feedback_views.story_create, name="story-create"),
    path("praksisfortellinger/<int:pk>/", feedback_views.story_detail, name="story-detail"),
    path("maanedsplan/<int:barnehage_pk>/", feedback_views.monthly_plan, name="monthly-plan"),
]

# The consultant's rounds, amendments, reliability, import and export.
urlpatterns += [path("", include("observasjoner.rounds.urls"))]
