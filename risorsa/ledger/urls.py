from django.urls import path, re_path

from risorsa.ledger import views

app_name = "ledger"

urlpatterns = [
    path("imports/", views.import_list, name="import-list"),
    path("imports/new/", views.import_create, name="import-create"),
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/issues.csv", views.import_issues_csv, name="import-issues-csv"),
    path("imports/<int:pk>/retry/", views.import_retry, name="import-retry"),
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
    path("arrears/", views.arrears_list, name="arrears"),
    re_path(r"^arrears/export\.(?P<fmt>csv|xlsx)$", views.arrears_export, name="arrears-export"),
    path("credits/in-transit.csv", views.credits_export, name="credits-export"),
    path("registry-checks/", views.registry_mismatches, name="registry-mismatches"),
    path(
        "registry-checks/<int:pk>/resolve/", views.registry_mismatch_resolve, name="registry-mismatch-resolve"
    ),
]
