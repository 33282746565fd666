from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from risorsa.organizations.actions import none_chosen
from risorsa.protection.models import ContactChannel, EndReason, ProtectionStatus
from risorsa.registry.forms import DateInput
from risorsa.repayment.models import PlanStatus


class ProposeForm(forms.Form):
    reason = forms.CharField(
        label=_("motivazione"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("La situazione di fragilità: la leggono solo i Servizi Sociali, mai il gestore."),
    )


class ActivateForm(forms.Form):
    review_on = forms.DateField(
        label=_("data di revisione"),
        required=False,
        widget=DateInput(),
        help_text=_("Se vuota: fra sei mesi."),
    )
    why = forms.CharField(label=_("nota"), required=False, max_length=500)


class SuspendForm(forms.Form):
    why = forms.CharField(
        label=_("motivo della sospensione"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Scrivi perché la tutela viene sospesa.")},
    )


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("motivo della cessazione"),
        choices=none_chosen(EndReason.choices),
        error_messages={"required": _("Scegli il motivo della cessazione.")},
    )
    note = forms.CharField(label=_("nota"), required=False, max_length=500)


class ReviewForm(forms.Form):
    next_review_on = forms.DateField(label=_("prossima revisione"), widget=DateInput())
    note = forms.CharField(label=_("esito della revisione"), widget=forms.Textarea(attrs={"rows": 2}))


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("data del contatto"), widget=DateInput())
    channel = forms.ChoiceField(label=_("canale"), choices=ContactChannel.choices)
    outcome = forms.CharField(label=_("esito"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = timezone.localdate()


class ProtectionFilterForm(forms.Form):
    stato = forms.ChoiceField(
        label=_("stato"), required=False, choices=[("", _("tutti")), *ProtectionStatus.choices]
    )
    piano = forms.ChoiceField(
        label=_("piano di rientro"),
        required=False,
        choices=[("", _("tutti")), ("nessuno", _("nessun piano")), *PlanStatus.choices],
    )
    revisione = forms.BooleanField(label=_("revisione entro 30 giorni"), required=False)
    eventi = forms.BooleanField(label=_("eventi del contatore negli ultimi 30 giorni"), required=False)
