from django.urls import path  # noqa: F401 - patterns are added as the app's views land

from . import dashboard_views

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
