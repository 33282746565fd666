from django import forms
from django.utils.translation import gettext_lazy as _


class SubjectAccessForm(forms.Form):
    """The codice fiscale travels in the request's body, never in the URL (nor in access logs)."""

    codice_fiscale = forms.CharField(label=_("codice fiscale"), max_length=20)
    formato = forms.ChoiceField(
        label=_("formato"),
        choices=[
            ("pdf", _("PDF, da consegnare all'interessato")),
            ("json", _("JSON, leggibile da un programma")),
        ],
        initial="pdf",
    )

    def clean_codice_fiscale(self) -> str:
        return "".join(self.cleaned_data["codice_fiscale"].split()).upper()
