from django.urls import path

from risorsa.reports import views

app_name = "reports"

urlpatterns = [
    path("editions/", views.edition_list, name="edition-list"),
    path("editions/<int:pk>/", views.edition_report, name="edition"),
    path("editions/<int:pk>/csv/", views.edition_csv, name="edition-csv"),
    path("editions/<int:pk>/xlsx/", views.edition_xlsx, name="edition-xlsx"),
]
