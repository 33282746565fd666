from django import forms
from django.utils.translation import gettext_lazy as _

from risorsa.coordination.models import SlaRule


class SlaRuleForm(forms.ModelForm):
    class Meta:
        model = SlaRule
        fields = ["working_days"]
        widgets = {"working_days": forms.NumberInput(attrs={"min": 0, "max": 250})}
        labels = {"working_days": _("giorni lavorativi")}
