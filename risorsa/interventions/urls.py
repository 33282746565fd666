from django.urls import path

from risorsa.interventions import views

app_name = "interventions"

urlpatterns = [
    path("", views.intervention_list, name="list"),
    path("budget/", views.budget_update, name="budget"),
    path("budget/history/", views.budget_history, name="budget-history"),
    path("new/<int:customer_pk>/", views.intervention_create, name="create"),
    path("<int:pk>/", views.intervention_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.intervention_action, name="action"),
]
