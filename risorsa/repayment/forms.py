from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risorsa.core.money import EuroFormField
from risorsa.registry.forms import DateInput
from risorsa.repayment.schedule import DEFAULT_MINIMUM, DEFAULT_MONTHS, DEFAULT_SHARE, Terms


class SimulationForm(forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_on"].initial = timezone.localdate()

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
    why = forms.CharField(label=_("motivo"), widget=forms.Textarea(attrs={"rows": 2}))


class SignatureForm(forms.Form):
    signed_on = forms.DateField(label=_("firmato il"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].initial = timezone.localdate()
