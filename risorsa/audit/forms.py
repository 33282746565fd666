from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from risorsa.audit.models import SHARED_KINDS
from risorsa.organizations.models import Membership, Organization

DAY = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("gg/mm/aaaa"), "inputmode": "numeric"})


class AccessLogFilterForm(forms.Form):
    q = forms.CharField(label=_("persona"), required=False, max_length=100)
    utente = forms.CharField(label=_("utente"), required=False, max_length=100)
    organizzazione = forms.ModelChoiceField(
        label=_("organizzazione"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("tutte"),
    )
    dal = forms.DateField(label=_("dal"), required=False, widget=DAY)
    al = forms.DateField(label=_("al"), required=False, widget=DAY)

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        # The organizations whose reads the manager may see: its own and those serving everyone.
        self.fields["organizzazione"].queryset = Organization.objects.filter(
            Q(pk=membership.organization_id) | Q(kind__in=SHARED_KINDS)
        ).order_by("name")
