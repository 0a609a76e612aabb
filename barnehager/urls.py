from django.contrib.auth import views as auth_views
from django.urls import include, path

from barnehager import views
from barnehager.forms import EmailAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("barnehager/", views.barnehage_list, name="barnehage-list"),
    path("barnehager/<int:pk>/", views.barnehage_detail, name="barnehage-detail"),
    path("konto/logg-inn/", views.LoginView.as_view(
        authentication_form=EmailAuthenticationForm), name="login"),
    path("konto/to-trinn/", include("barnehager.twofactor.urls")),
    path("revisjonslogg/", include("barnehager.auditlog.urls")),
    path("personer/", include("barnehager.people.urls")),
    path("konto/logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/profil/", views.profile, name="profile"),
    path("konto/mine-data/", include("barnehager.personal_data.urls")),
    path("konto/sso/", include("barnehager.sso.urls")),
    path("konto/sprak/", views.choose_language, name="choose-language"),
    path("konto/passord/", views.PasswordChangeView.as_view(), name="password_change"),
    path("konto/passord/endret/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("konto/glemt-passord/", views.ThrottledPasswordResetView.as_view(),
         name="password_reset"),
    path("konto/glemt-passord/sendt/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("konto/nytt-passord/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("konto/nytt-passord/ferdig/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
