from django.urls import path

from rapporter.dashboards import views as dashboard_views
from rapporter.reports import views as report_views

app_name = "rapporter"

urlpatterns = []

# Dashboards (municipality → kindergarten → department); each page also serves its
# tables as CSV/XLSX with ?table=<key>&format=csv|xlsx.
urlpatterns += [
    path("dashboard/", dashboard_views.dashboard_index, name="dashboard"),
    path("dashboard/kommune/<slug:slug>/", dashboard_views.kommune_dashboard,
         name="dashboard-kommune"),
    path("dashboard/barnehage/<int:pk>/", dashboard_views.barnehage_dashboard,
         name="dashboard-barnehage"),
    path("dashboard/avdeling/<int:pk>/", dashboard_views.avdeling_dashboard,
         name="dashboard-avdeling"),
]

# Reports (PDF): list and history, ordering, progress, review (approve, withdraw),
# download, the annual report's texts.
urlpatterns += [
    path("pdf/", report_views.report_list, name="report-list"),
    path("pdf/bestill/<slug:kind>/", report_views.report_order, name="report-order"),
    path("pdf/<int:pk>/", report_views.report_detail, name="report-detail"),
    path("pdf/<int:pk>/status/", report_views.report_status, name="report-status"),
    path("pdf/<int:pk>/last-ned/", report_views.report_download, name="report-download"),
    path("pdf/<int:pk>/ny-versjon/", report_views.report_regenerate,
         name="report-regenerate"),
    path("pdf/<int:pk>/godkjenn/", report_views.report_approve, name="report-approve"),
    path("pdf/<int:pk>/trekk-tilbake/", report_views.report_withdraw,
         name="report-withdraw"),
    path("pdf/<slug:slug>/anbefaling/<int:year>/", report_views.recommendation_edit,
         name="recommendation-edit"),
    path("pdf/<slug:slug>/innstillinger/", report_views.report_settings,
         name="report-settings"),
]
