from django.urls import path

from risorsa.registry import views

app_name = "registry"

urlpatterns = [
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_update, name="person-update"),
    path("people/<int:pk>/assessments/new/", views.assessment_create, name="assessment-create"),
    path("people/<int:pk>/household/new/", views.household_create, name="household-create"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/edit/", views.household_update, name="household-update"),
    path("households/<int:pk>/members/add/", views.household_add_member, name="household-add-member"),
    path("households/<int:pk>/isee/new/", views.isee_create, name="isee-create"),
    path("people/<int:pk>/history/", views.person_history, name="person-history"),
    path("access-log/", views.access_log, name="access-log"),
]
