from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from risorsa.core.money import EuroFormField
from risorsa.ledger.models import ImportKind, ImportMode, Service
from risorsa.ledger.selectors import AGEING_BUCKETS, ageing_date, ageing_heading
from risorsa.ledger.uploads import max_upload_bytes, too_large_message
from risorsa.registry.forms import DateInput


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("tipo di file"), choices=ImportKind.choices)
    mode = forms.ChoiceField(
        label=_("modalità"),
        choices=ImportMode.choices,
        initial=ImportMode.INCREMENTAL,
        # Every mode of formats/export-gestore.md, one line each (the help is shown as HTML).
        help_text=format_lazy(
            "{}<br>{}<br>{}",
            _(
                "Incrementale (la solita): il file aggiunge le fatture nuove e aggiorna quelle già "
                "registrate; le fatture che non elenca restano come sono. Una riga con una data di "
                "estrazione più vecchia di quella registrata è saltata e contata tra le «superate»."
            ),
            _(
                "Completa (solo per le fatture): il file elenca tutte le fatture aperte del gestore; "
                "una fattura aperta che non vi compare è chiusa alla data di estrazione, mai cancellata."
            ),
            _(
                "Pagamenti ed eventi si importano sempre in modo incrementale: si aggiungono i nuovi, "
                "quelli già registrati restano invariati."
            ),
        ),
    )
    as_of = forms.DateField(label=_("data di estrazione"), widget=DateInput())
    file = forms.FileField(label=_("file CSV"))

    def __init__(self, *args, refusals: dict[str, str] | None = None, **kwargs):
        """`refusals`: the reason the upload handler refused a file as it streamed (field -> message)."""
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()
        self.fields["file"].help_text = _(
            "Separatore «;» o «,», codifica UTF-8 o Windows-1252, al massimo %(limit)s MB."
        ) % {"limit": settings.RISORSA_MAX_UPLOAD_MB}
        self.refusal = (refusals or {}).get("file")
        if self.refusal:
            self.fields["file"].required = False  # the refusal says more than "required"

    def clean_file(self):
        if self.refusal:
            raise forms.ValidationError(self.refusal, code="refused")
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(too_large_message(), code="too_large")
        return upload


class ArrearsFilterForm(forms.Form):
    columns = {"q": "col-12 col-lg-6"}  # the search on a line of its own, the filters below it

    q = forms.CharField(
        label=_("Cerca per nome, codice fiscale o codice cliente"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )
    servizio = forms.ChoiceField(
        label=_("servizio"), required=False, choices=[("", _("tutti")), *Service.choices]
    )
    anzianita = forms.ChoiceField(
        label=_("anzianità"),  # with its day, once the form is made (ageing_heading)
        required=False,
        choices=[("", _("tutte")), *[(bucket.key, bucket.label) for bucket in AGEING_BUCKETS]],
    )
    minimo = EuroFormField(label=_("saldo da (€)"), required=False)
    massimo = EuroFormField(label=_("saldo fino a (€)"), required=False)
    ordine = forms.ChoiceField(
        label=_("ordina per"),
        required=False,
        choices=[
            ("saldo", _("saldo, dal più alto")),
            ("-saldo", _("saldo, dal più basso")),
            ("scadenza", _("scadenza più vecchia")),
            ("nome", _("cognome e nome")),
            ("codice", _("codice cliente")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anzianita"].label = ageing_heading(ageing_date())
