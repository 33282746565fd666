from django.urls import path

from risorsa.home import views

app_name = "home"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("guida/", views.guide, name="guide"),
]
