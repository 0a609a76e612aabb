from django.urls import path

from barnehager.people import views

urlpatterns = [
    path("", views.people_list, name="people-list"),
    path("inviter/", views.person_invite, name="person-invite"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/roller/<int:membership_pk>/fjern/", views.person_role_remove,
         name="person-role-remove"),
    path("<int:pk>/aktiv/", views.person_active, name="person-active"),
]
