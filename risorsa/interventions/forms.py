from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from risorsa.core.money import EuroFormField, format_euro
from risorsa.interventions.models import InterventionKind


class ProposeForm(forms.Form):
    bills = forms.ModelMultipleChoiceField(
        label=_("fatture da coprire"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    municipal_percent = forms.DecimalField(
        label=_("quota del Comune (%)"),
        min_value=Decimal("0.01"),
        max_value=Decimal(100),
        decimal_places=2,
        initial=50,
        localize=True,
    )
    kind = forms.ChoiceField(label=_("tipo"), choices=InterventionKind.choices, initial=InterventionKind.SPOT)

    def __init__(self, *args, bills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bills"].queryset = bills
        self.fields["bills"].label_from_instance = lambda bill: (
            _("%(number)s, scaduta il %(due)s: %(residual)s")
            % {
                "number": bill.number,
                "due": bill.due_on.strftime("%d/%m/%Y"),
                "residual": format_euro(bill.residual),
            }
        )


class BudgetForm(forms.Form):
    columns = {"year": "col-auto", "amount": "col-auto"}  # partials/form_fields.html, in a row
    year = forms.IntegerField(label=_("anno"), min_value=2000, max_value=2100)
    amount = EuroFormField(label=_("stanziamento"), min_value=Decimal(0))


class WithdrawForm(forms.Form):
    why = forms.CharField(
        label=_("motivo del ritiro"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Scrivi perché l'intervento viene ritirato.")},
    )


class CancelForm(forms.Form):
    why = forms.CharField(
        label=_("motivo dell'annullamento"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Scrivi perché l'intervento viene annullato.")},
    )
