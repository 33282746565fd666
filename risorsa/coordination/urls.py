from django.urls import path

from risorsa.coordination import views

app_name = "coordination"

urlpatterns = [
    path("", views.todo_list, name="todo"),
    path("sla/", views.sla_list, name="sla-list"),
    path("sla/<int:pk>/", views.sla_update, name="sla-update"),
]
