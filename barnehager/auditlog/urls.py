from django.urls import path

from barnehager.auditlog import views

urlpatterns = [
    path("", views.audit_log, name="audit-log"),
    path("last-ned.<str:fmt>", views.audit_log_download, name="audit-log-download"),
]
