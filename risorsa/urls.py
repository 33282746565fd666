from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("risorsa.home.urls")),
    path("accounts/", include("risorsa.organizations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("registry/", include("risorsa.registry.urls")),
    path("ledger/", include("risorsa.ledger.urls")),
    path("coordination/", include("risorsa.coordination.urls")),
    path("repayment/", include("risorsa.repayment.urls")),
    path("protection/", include("risorsa.protection.urls")),
    path("interventions/", include("risorsa.interventions.urls")),
    path("work/", include("risorsa.workprogram.urls")),
    path("reports/", include("risorsa.reports.urls")),
    path("privacy/", include("risorsa.privacy.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]
