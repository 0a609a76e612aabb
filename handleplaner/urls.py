from django.urls import path

from handleplaner import views

app_name = "handleplaner"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("ko/", views.queue, name="queue"),
    path("ny/", views.plan_create, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/rediger/", views.plan_edit, name="edit"),
    path("<int:pk>/autolagre/", views.plan_autosave, name="autosave"),
    path("<int:pk>/faser/ny/", views.phase_add, name="phase-add"),
    path("<int:pk>/faser/<int:fase_pk>/slett/", views.phase_delete, name="phase-delete"),
    path("<int:pk>/faser/<int:fase_pk>/fremdrift/", views.progress_add, name="progress-add"),
    path("<int:pk>/status/<slug:name>/", views.plan_transition, name="transition"),
    path("<int:pk>/kommentar/", views.comment_add, name="comment-add"),
    path("<int:pk>/evaluering/", views.evaluation_add, name="evaluation-add"),
    path("<int:pk>/historikk/", views.plan_history, name="history"),
    path("<int:pk>/pdf/", views.plan_pdf, name="pdf"),
]
