from django.urls import path

from barnehager.people import views

urlpatterns = [
    path("", views.people_list, name="people-list"),
    path("inviter/", views.person_invite, name="person-invite"),
    path("importer/", views.people_import, name="people-import"),
    path("importer/mal.csv", views.people_import_template, name="people-import-template"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/roller/<int:membership_pk>/fjern/", views.person_role_remove,
         name="person-role-remove"),
    path("<int:pk>/aktiv/", views.person_active, name="person-active"),
    path("<int:pk>/to-trinn/nullstill/", views.person_second_factor_reset,
         name="person-second-factor-reset"),
]
