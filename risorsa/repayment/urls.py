from django.urls import path

from risorsa.repayment import views

app_name = "repayment"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("simulate/<int:customer_pk>/", views.plan_simulate, name="simulate"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/pdf/", views.plan_download, name="pdf"),
    path("<int:pk>/<slug:action>/", views.plan_action, name="action"),
]
