from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkprogramConfig(AppConfig):
    name = "risorsa.workprogram"
    label = "workprogram"
    verbose_name = _("Risorsa Lavoro")

    def ready(self):
        from risorsa.coordination.steps import register_subject
        from risorsa.ledger.matters import register_matter
        from risorsa.organizations.models import OrganizationKind
        from risorsa.organizations.scoping import INCIDENT, register_grant
        from risorsa.workprogram import steps  # noqa: F401 - declares the app's steps
        from risorsa.workprogram.models import Referral

        # The partner's to-do list names each referral by its person and edition.
        register_subject(Referral, lambda: Referral.objects.select_related("person", "edition"))
        register_grant(INCIDENT, OrganizationKind.PARTNER, incidents_of_people_referred)
        register_matter(
            code="workprogram",
            label=_("Risorsa Lavoro"),
            noun=_("Segnalazione"),
            dated="referred_on",
            model=Referral,
            order=40,
        )


def incidents_of_people_referred(membership):
    """The partner sees the cuts of the people referred to it while their project is open."""
    from django.db.models import Q

    from risorsa.workprogram.models import IN_PROGRESS, Referral, ReferralStatus

    customers = Referral.objects.filter(
        edition__partner_id=membership.organization_id, status__in=(*IN_PROGRESS, ReferralStatus.REFERRED)
    ).values("customer_id")
    return Q(customer_id__in=customers)
