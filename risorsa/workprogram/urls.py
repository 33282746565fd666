from django.urls import path

from risorsa.workprogram import views

app_name = "workprogram"

urlpatterns = [
    path("", views.referral_list, name="referral-list"),
    path("customer/<int:customer_pk>/refer/", views.referral_create, name="referral-create"),
    path("<int:pk>/", views.referral_detail, name="referral-detail"),
    path("<int:pk>/action/<str:action>/", views.referral_action, name="referral-action"),
    path("contract/<int:pk>/action/<str:action>/", views.contract_action, name="contract-action"),
    path("contract/<int:pk>/pdf/", views.contract_download, name="contract-pdf"),
    path("placements/", views.placement_list, name="placement-list"),
    path("placement/<int:pk>/", views.placement_detail, name="placement-detail"),
    path("placement/<int:pk>/action/<str:action>/", views.placement_action, name="placement-action"),
    path("timesheet/<int:pk>/action/<str:action>/", views.timesheet_action, name="timesheet-action"),
    path("editions/", views.edition_list, name="edition-list"),
    path("editions/new/", views.edition_create, name="edition-create"),
    path("editions/<int:pk>/", views.edition_detail, name="edition-detail"),
    path("editions/<int:pk>/timings/<str:step>/", views.edition_timing, name="edition-timing"),
    path("contract-texts/", views.contract_texts, name="contract-texts"),
]
