from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risorsa.core.money import EuroFormField, format_euro, quantize
from risorsa.registry.forms import DateInput
from risorsa.repayment.schedule import DEFAULT_MINIMUM, DEFAULT_MONTHS, DEFAULT_SHARE, Terms
from risorsa.repayment.services import ShorterChoice


class SimulationForm(forms.Form):
    bills = forms.ModelMultipleChoiceField(
        label=_("fatture nel piano"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Una fattura sta in un solo strumento alla volta: qui solo quelle libere."),
    )
    debt = EuroFormField(label=_("debito da rateizzare"))
    monthly_income = EuroFormField(label=_("reddito mensile del nucleo"), min_value=Decimal(0))
    share = forms.DecimalField(
        label=_("quota sostenibile (%)"),
        min_value=Decimal(1),
        max_value=Decimal(100),
        decimal_places=1,
        initial=(DEFAULT_SHARE * 100).normalize(),
        localize=True,
    )
    max_months = forms.IntegerField(
        label=_("mesi al massimo"), min_value=1, max_value=60, initial=DEFAULT_MONTHS
    )
    minimum_installment = EuroFormField(label=_("rata minima"), initial=DEFAULT_MINIMUM)
    start_on = forms.DateField(label=_("prima rata il"), widget=DateInput())
    annual_rate = forms.DecimalField(
        label=_("tasso annuo (%)"),
        min_value=Decimal(0),
        max_value=Decimal(20),
        decimal_places=2,
        initial=0,
        required=False,
        localize=True,
    )
    shorter_choice = forms.BooleanField(
        label=_("il cliente ha scelto un piano più breve (acqua, REMSI)"),
        required=False,
        help_text=_(
            "Per l'acqua con sollecito o messa in mora il piano ha almeno 12 rate senza interessi, "
            "salvo scelta documentata del cliente."
        ),
    )
    shorter_choice_on = forms.DateField(
        label=_("il cliente ha scelto il"), widget=DateInput(), required=False
    )
    shorter_choice_how = forms.CharField(label=_("come (documento o canale)"), max_length=200, required=False)

    def __init__(self, *args, bills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_on"].initial = timezone.localdate()
        self.fields["bills"].queryset = bills
        self.fields["bills"].initial = [bill.pk for bill in bills]
        self.fields["debt"].initial = quantize(sum((bill.residual for bill in bills), Decimal(0)))
        self.fields["bills"].label_from_instance = lambda bill: (
            _("%(number)s (%(service)s), scaduta il %(due)s: %(residual)s")
            % {
                "number": bill.number,
                "service": bill.supply_point.get_service_display(),
                "due": bill.due_on.strftime("%d/%m/%Y"),
                "residual": format_euro(bill.residual),
            }
        )

    def clean(self):
        data = super().clean()
        if data.get("shorter_choice"):
            if not data.get("shorter_choice_on"):
                self.add_error("shorter_choice_on", _("Indica il giorno della scelta del cliente."))
            elif data["shorter_choice_on"] > timezone.localdate():
                self.add_error("shorter_choice_on", _("La data della scelta non può essere futura."))
            if not (data.get("shorter_choice_how") or "").strip():
                self.add_error(
                    "shorter_choice_how", _("Scrivi come il cliente ha chiesto il piano più breve.")
                )
        return data

    def documented_choice(self) -> ShorterChoice | None:
        data = self.cleaned_data
        if not data.get("shorter_choice"):
            return None
        return ShorterChoice(on=data["shorter_choice_on"], how=data["shorter_choice_how"])

    def clean_start_on(self):
        """A plan starts today or later: an installment due in the past would be missed at once."""
        start_on, today = self.cleaned_data["start_on"], timezone.localdate()
        if start_on < today:
            raise forms.ValidationError(
                _(
                    "La data della prima rata (%(day)s) è già passata: indica oggi (%(today)s) "
                    "o un giorno successivo."
                ),
                code="past",
                params={"day": start_on.strftime("%d/%m/%Y"), "today": today.strftime("%d/%m/%Y")},
            )
        return start_on

    def clean_debt(self):
        debt = self.cleaned_data["debt"]
        if debt <= 0:
            raise forms.ValidationError(_("Il debito da rateizzare deve essere positivo."))
        return debt

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(
            debt=data["debt"],
            monthly_income=data["monthly_income"],
            share=data["share"] / 100,
            max_months=data["max_months"],
            minimum_installment=data["minimum_installment"],
            start_on=data["start_on"],
            annual_rate=(data.get("annual_rate") or Decimal(0)) / 100,
        )


class ReasonForm(forms.Form):
    why = forms.CharField(
        label=_("motivo"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Scrivi il motivo.")},
    )


class SignatureForm(forms.Form):
    signed_on = forms.DateField(label=_("firmato il"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()
