from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from risorsa.core.money import EuroFormField
from risorsa.registry.models import Household, Person, SocialAssessment
from risorsa.registry.services import PERSON_FIELDS


class DateInput(forms.DateInput):
    """A date typed Italian style (31/12/2010): quicker than a picker for birth dates."""

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y", attrs={"placeholder": _("gg/mm/aaaa"), "inputmode": "numeric"}, **kwargs
        )


class PersonForm(forms.ModelForm):
    """Birth date, sex and birthplace may be left blank: they are read from the codice fiscale."""

    birth_place = forms.CharField(
        label=_("luogo di nascita"),
        required=False,
        max_length=120,
        help_text=_("Comune o Stato estero; se lo lasci vuoto, è ricavato dal codice fiscale."),
    )

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS)
        widgets = {"birth_date": DateInput()}
        help_texts = {
            "birth_date": _("Se la lasci vuota, è ricavata dal codice fiscale."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([*PERSON_FIELDS[:5], "birth_place"])
        if self.instance.pk:
            self.initial.setdefault("birth_place", self.instance.birth_place)
        for field in ("sex", "birth_date"):
            self.fields[field].required = False
        self.fields["sex"].choices = [("", _("— dal codice fiscale —")), *self.fields["sex"].choices[1:]]
        self.fields["codice_fiscale"].widget.attrs.update(
            {"autocapitalize": "characters", "spellcheck": "false"}
        )

    def clean_codice_fiscale(self):
        return "".join(self.cleaned_data["codice_fiscale"].split()).upper()

    def validate_unique(self):
        # Uniqueness is checked after the code is normalized, in the service and the database.
        pass


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "address",
            "size",
            "minors",
            "dependent_children",
            "disabled_members",
            "life_support",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class AddMemberForm(forms.Form):
    codice_fiscale = forms.CharField(label=_("codice fiscale"), max_length=20)


class IseeForm(forms.Form):
    value = EuroFormField(label=_("valore ISEE (€)"), min_value=Decimal("0"))
    protocol = forms.CharField(label=_("protocollo DSU"), max_length=60)
    issued_on = forms.DateField(label=_("data di rilascio"), widget=DateInput())
    expires_on = forms.DateField(label=_("scadenza"), widget=DateInput())


class SocialAssessmentForm(forms.ModelForm):
    class Meta:
        model = SocialAssessment
        fields = ["assessed_on", "fragility", "notes"]
        widgets = {"assessed_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}
