from django.urls import path

from risorsa.protection import views

app_name = "protection"

urlpatterns = [
    path("", views.protection_list, name="list"),
    path("new/<int:customer_pk>/", views.protection_create, name="create"),
    path("<int:pk>/", views.protection_detail, name="detail"),
    path("<int:pk>/history/", views.protection_history, name="history"),
    path("<int:pk>/<slug:action>/", views.protection_action, name="action"),
    path("utility/", views.utility_list, name="utility-list"),
    path("utility.csv", views.utility_export, name="utility-export"),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("to-evaluate/", views.evaluation_queue, name="evaluation-queue"),
    path("to-evaluate/<int:pk>/done/", views.evaluation_done, name="evaluation-done"),
]
