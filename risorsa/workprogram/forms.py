"""Forms of the work program; each action's cleaned data are its service's keyword arguments."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from risorsa.core.money import EuroFormField, format_euro
from risorsa.organizations.actions import none_chosen
from risorsa.registry.forms import DateInput
from risorsa.repayment.models import OPEN_PLAN_STATUSES, RepaymentPlan
from risorsa.workprogram.models import CallOutcome, EndOutcome, FitnessOutcome, Track


def _today_field(label=None) -> forms.DateField:
    return forms.DateField(label=label or _("data"), widget=DateInput(), initial=timezone.localdate)


class ReasonForm(forms.Form):
    why = forms.CharField(
        label=_("motivo"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Scrivi il motivo.")},
    )


class CallForm(forms.Form):
    on = _today_field()
    outcome = forms.ChoiceField(label=_("esito"), choices=CallOutcome.choices)
    note = forms.CharField(label=_("nota"), required=False, max_length=300)


class TutorMeetingForm(forms.Form):
    on = _today_field()
    note = forms.CharField(label=_("nota"), required=False, max_length=300)


class TrainingForm(forms.Form):
    on = _today_field()
    course = forms.CharField(label=_("corso"), max_length=120)
    hours = forms.DecimalField(label=_("ore"), min_value=Decimal("0.5"), max_digits=5, decimal_places=1)
    passed = forms.BooleanField(label=_("superato"), required=False, initial=True)


class MedicalVisitForm(forms.Form):
    on = _today_field()
    outcome = forms.ChoiceField(label=_("esito"), choices=FitnessOutcome.choices)


class ActivationForm(forms.Form):
    on = _today_field()
    reference = forms.CharField(label=_("riferimento (es. codice INPS)"), max_length=60)


class ContractForm(forms.Form):
    """The plan of the older overdue bills, if the customer has one (made with the plan simulator)."""

    plan = forms.ModelChoiceField(
        label=_("piano di rientro delle fatture scadute"),
        queryset=RepaymentPlan.objects.none(),
        required=False,
        help_text=_("Se manca, crealo dal simulatore dei piani sulla pagina del cliente."),
    )
    on = _today_field(_("preparato il"))
    takes_subject = True

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = RepaymentPlan.objects.filter(
            customer_id=subject.customer_id, status__in=OPEN_PLAN_STATUSES
        )


class SignatureForm(forms.Form):
    signed_on = _today_field(_("firmato il"))


class PlacementForm(forms.Form):
    track = forms.ChoiceField(label=_("percorso"), choices=Track.choices, widget=forms.RadioSelect)
    site = forms.CharField(label=_("sede"), max_length=120)
    starts_on = _today_field(_("primo giorno"))


class EndForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("esito"),
        choices=none_chosen(EndOutcome.choices),
        error_messages={"required": _("Scegli l'esito del percorso.")},
    )
    why = forms.CharField(
        label=_("motivo"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Scrivi il motivo.")},
    )
    on = _today_field(_("concluso il"))


class QuestionnaireForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("soddisfazione"),
        coerce=int,
        choices=[(value, str(value)) for value in range(1, 6)],
        widget=forms.RadioSelect,
        help_text=_("1 = per niente soddisfatto, 5 = molto soddisfatto"),
    )
    comment = forms.CharField(label=_("commento"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class WeekForm(forms.Form):
    """A week of hours in one row: the Monday, then the hours of each day, then the activity."""

    columns = {"week_of": "col-md-2", "activity": "col-md-3"}  # partials/form_fields.html, in a row

    week_of = forms.DateField(label=_("settimana dal (lunedì)"), widget=DateInput())
    mon = forms.DecimalField(label=_("lun"), required=False, min_value=0, max_value=12, decimal_places=2)
    tue = forms.DecimalField(label=_("mar"), required=False, min_value=0, max_value=12, decimal_places=2)
    wed = forms.DecimalField(label=_("mer"), required=False, min_value=0, max_value=12, decimal_places=2)
    thu = forms.DecimalField(label=_("gio"), required=False, min_value=0, max_value=12, decimal_places=2)
    fri = forms.DecimalField(label=_("ven"), required=False, min_value=0, max_value=12, decimal_places=2)
    sat = forms.DecimalField(label=_("sab"), required=False, min_value=0, max_value=12, decimal_places=2)
    sun = forms.DecimalField(label=_("dom"), required=False, min_value=0, max_value=12, decimal_places=2)
    activity = forms.CharField(label=_("attività"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["week_of"].initial = today - timedelta(days=today.weekday() + 7)

    def clean(self):
        data = super().clean()
        week_of = data.get("week_of")
        if week_of is None:
            return data
        if week_of.weekday() != 0:
            self.add_error(
                "week_of",
                _("Scegli il lunedì della settimana (%(day)s non lo è).")
                % {"day": date_format(week_of, "SHORT_DATE_FORMAT")},
            )
            return data
        hours = {week_of + timedelta(days=i): data.get(name) for i, name in enumerate(DAYS)}
        return {
            "week_of": week_of,
            "hours": {day: value for day, value in hours.items() if value},
            "activity": data.get("activity", ""),
        }


class EditionForm(forms.Form):
    name = forms.CharField(label=_("nome"), max_length=20, help_text=_("per esempio 2026/27"))
    partner = forms.ModelChoiceField(label=_("partner"), queryset=None)
    starts_on = forms.DateField(label=_("inizio"), widget=DateInput())
    ends_on = forms.DateField(label=_("fine"), widget=DateInput())
    instrument = forms.CharField(label=_("strumento di lavoro"), max_length=60, initial="PrestO")
    face_hourly_value = EuroFormField(label=_("valore nominale per ora"), required=False)
    net_hourly_value = EuroFormField(label=_("valore netto per ora"), initial="9,00")
    yearly_cap_per_worker = EuroFormField(
        label=_("tetto annuo per lavoratore"), required=False, initial="5.000,00"
    )
    yearly_cap_per_employer = EuroFormField(
        label=_("tetto annuo per lavoratore e committente"), required=False, initial="2.500,00"
    )
    budget = EuroFormField(label=_("budget"), required=False)

    def __init__(self, *args, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class TimingForm(forms.Form):
    working_days = forms.IntegerField(label=_("giorni lavorativi"), min_value=0, max_value=250)


class ContractTextForm(forms.Form):
    body = forms.CharField(label=_("testo"), widget=forms.Textarea(attrs={"rows": 12}))


class ReferralForm(forms.Form):
    edition = forms.ModelChoiceField(label=_("edizione"), queryset=None)
    bills = forms.ModelMultipleChoiceField(
        label=_("fatture pagate con il lavoro"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Una fattura sta in un solo strumento alla volta: qui solo quelle libere."),
    )
    project_amount = EuroFormField(label=_("importo del progetto"), min_value=Decimal("0.01"))
    note_for_partner = forms.CharField(
        label=_("nota per il partner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("La legge il partner: niente ISEE, valutazioni o altri debiti."),
    )

    def __init__(self, *args, editions=None, bills=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = editions
        self.fields["bills"].queryset = bills
        self.fields["bills"].label_from_instance = lambda bill: (
            _("%(number)s, scaduta il %(due)s: %(residual)s")
            % {
                "number": bill.number,
                "due": f"{bill.due_on:%d/%m/%Y}",
                "residual": format_euro(bill.residual),
            }
        )
