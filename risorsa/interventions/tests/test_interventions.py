from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from risorsa.core.exceptions import DomainError
from risorsa.interventions import services
from risorsa.interventions.models import (
    InterventionKind,
    InterventionStatus,
    InterventionTransition,
    SpotIntervention,
    shares,
)
from risorsa.ledger.models import Bill, Credit, CreditStatus
from risorsa.ledger.tests.helpers import import_file
from risorsa.protection.tests.helpers import sample_customer


@pytest.fixture
def users(personas):
    return {name: membership.user for name, membership in personas.items()}


def test_fifty_fifty_of_300_01_gives_shares_that_sum_to_300_01():
    # The rule: the municipality's contribution rounds half up to the cent, the customer pays the rest.
    assert shares(Decimal("300.01"), Decimal(50)) == (Decimal("150.00"), Decimal("150.01"))


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2),
)
def test_the_two_shares_always_sum_to_the_amount(amount, percent):
    customer, municipal = shares(amount, percent)
    assert customer + municipal == amount
    assert (customer >= 0 and municipal > 0) or amount * percent / 100 < Decimal("0.005")
    assert municipal.as_tuple().exponent == -2


def open_bill(customer):
    return Bill.objects.filter(customer=customer, residual__gt=0).order_by("number").first()


def proposed(customer, users):
    return services.propose_intervention(
        customer=customer, bills=[open_bill(customer)], by=users["comune.operatore"]
    )


def payments_file(tmp_path, name, *rows):
    path = tmp_path / name
    header = "id_pagamento;codice_cliente;numero_fattura;data_pagamento;importo;canale;riferimento\n"
    path.write_text(header + "".join(f"{row}\n" for row in rows))
    return path


@pytest.mark.django_db
def test_the_whole_path_from_proposal_to_the_applied_credit_settled_once(
    utility, municipality, users, tmp_path
):
    customer = sample_customer(utility)  # 383,26 € on bill 2010/000002
    services.set_budget(municipality=municipality, year=date.today().year, amount=Decimal("1000.00"))  # noqa: DTZ011
    intervention = proposed(customer, users)
    assert (intervention.amount, intervention.customer_share, intervention.municipal_share) == (
        Decimal("383.26"),
        Decimal("191.63"),
        Decimal("191.63"),
    )
    services.confirm_customer_share(intervention=intervention, by=users["aem.operatore"])
    services.authorize_contribution(intervention=intervention, by=users["comune.responsabile"])
    services.send_credit(intervention=intervention, by=users["comune.operatore"])
    intervention.refresh_from_db()
    credit = intervention.credit
    assert (credit.status, credit.amount, credit.reference.startswith("CM-")) == (
        CreditStatus.IN_TRANSIT,
        Decimal("191.63"),
        True,
    )
    settled = payments_file(
        tmp_path, "pagamenti.csv", f"PC1;C100000;2010/000002;01/06/2010;191,63;PROGRAMMA;{credit.reference}"
    )
    import_file(utility, "pagamenti", settled)
    import_file(utility, "pagamenti", settled)  # the same file again changes nothing
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.APPLIED
    assert Credit.objects.get().status == CreditStatus.APPLIED
    assert list(intervention.transitions.values_list("to_status", "by__username")) == [
        ("proposto", "comune.operatore"),
        ("quota_pagata", "aem.operatore"),
        ("autorizzato", "comune.responsabile"),
        ("accredito_inviato", "comune.operatore"),
        ("applicato", None),
    ]


@pytest.mark.parametrize(
    ("steps", "illegal", "declared", "message"),
    [
        (
            [],
            "authorize",
            "«Autorizza il contributo» non si può fare in stato «proposto».",
            "Un intervento in stato «proposto» non può passare a «contributo autorizzato».",
        ),
        (
            ["confirm"],
            "send",
            "«Crea l'accredito per il gestore» non si può fare in stato «quota utente pagata».",
            "Un intervento in stato «quota utente pagata» non può passare a «accredito inviato».",
        ),
        (
            ["confirm"],
            "confirm",
            "«Conferma: l'utente ha pagato la sua quota» non si può fare in stato «quota utente pagata».",
            "Un intervento in stato «quota utente pagata» non può passare a «quota utente pagata».",
        ),
    ],
)
@pytest.mark.django_db
def test_an_illegal_transition_is_refused_in_italian_and_changes_nothing(
    utility, municipality, users, steps, illegal, declared, message
):
    services.set_budget(municipality=municipality, year=date.today().year, amount=Decimal("1000.00"))  # noqa: DTZ011
    intervention = proposed(sample_customer(utility), users)
    calls = {
        "confirm": lambda by=users["aem.operatore"]: services.confirm_customer_share(
            intervention=intervention, by=by
        ),
        "authorize": lambda by=users["comune.responsabile"]: services.authorize_contribution(
            intervention=intervention, by=by
        ),
        "send": lambda by=users["comune.operatore"]: services.send_credit(intervention=intervention, by=by),
    }
    for step in steps:
        calls[step]()
    before = (
        SpotIntervention.objects.get().status,
        InterventionTransition.objects.count(),
        Credit.objects.count(),
    )
    # a member: the declared actions refuse it
    with pytest.raises(DomainError) as refused:
        calls[illegal]()
    assert refused.value.message == declared
    # the system (no member): the pipeline refuses it
    with pytest.raises(DomainError) as refused:
        calls[illegal](None)
    assert refused.value.message == message
    assert (
        SpotIntervention.objects.get().status,
        InterventionTransition.objects.count(),
        Credit.objects.count(),
    ) == before


@pytest.mark.django_db
def test_an_authorization_beyond_the_budget_is_refused_and_nothing_is_written(utility, municipality, users):
    year = date.today().year  # noqa: DTZ011
    services.set_budget(municipality=municipality, year=year, amount=Decimal("250.00"))
    first = proposed(sample_customer(utility), users)
    second = proposed(sample_customer(utility, "C100001"), users)
    for intervention in (first, second):
        services.confirm_customer_share(intervention=intervention, by=users["aem.operatore"])
    services.authorize_contribution(intervention=first, by=users["comune.responsabile"])  # 191,63 of 250
    before = (InterventionTransition.objects.count(), SpotIntervention.objects.get(pk=second.pk).status)
    with pytest.raises(DomainError, match=r"supera il budget .*: restano 58,37"):
        services.authorize_contribution(intervention=second, by=users["comune.responsabile"])
    assert (
        InterventionTransition.objects.count(),
        SpotIntervention.objects.get(pk=second.pk).status,
    ) == before
    committed, spent = services.budget_use(municipality=municipality, year=year)
    assert (committed, spent) == (Decimal("191.63"), Decimal("0.00"))


@pytest.mark.django_db
def test_the_payments_file_confirms_the_customer_share(utility, users, tmp_path):
    customer = sample_customer(utility)
    intervention = proposed(customer, users)
    today = date.today()  # noqa: DTZ011
    import_file(
        utility,
        "pagamenti",
        payments_file(tmp_path, "quota.csv", f"PQ1;C100000;2010/000002;{today:%d/%m/%Y};191,63;SPORTELLO;"),
    )
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.SHARE_PAID
    assert intervention.transitions.last().by is None


@pytest.mark.django_db
def test_help_on_new_bills_is_for_customers_who_kept_to_their_plan(utility, users):
    with pytest.raises(DomainError, match="rispettato il piano"):
        services.propose_intervention(
            customer=sample_customer(utility),
            bills=[open_bill(sample_customer(utility))],
            kind=InterventionKind.PLAN_HELP,
            by=users["comune.operatore"],
        )


@pytest.mark.django_db
def test_roles_decide_who_confirms_authorizes_and_sends(client_for, utility, municipality, users):
    services.set_budget(municipality=municipality, year=date.today().year, amount=Decimal("1000.00"))  # noqa: DTZ011
    intervention = proposed(sample_customer(utility), users)

    def act(persona, action):
        return (
            client_for(persona)
            .post(reverse("interventions:action", args=[intervention.pk, action]))
            .status_code
        )

    assert act("comune.operatore", "confirm") == 403
    assert act("aem.lettore", "confirm") == 403
    assert act("aem.operatore", "confirm") == 302
    assert act("comune.operatore", "authorize") == 403
    assert act("comune.responsabile", "authorize") == 302
    assert act("comune.operatore", "send") == 302
    body = (
        client_for("aem.lettore")
        .get(reverse("interventions:detail", args=[intervention.pk]))
        .content.decode()
    )
    assert "191,63" in body and "accredito inviato" in body
