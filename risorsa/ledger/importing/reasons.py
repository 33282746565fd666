"""Why a row of a file was refused, and what a run warns about: a code and its parameters.

The import stores the code and the parameters (JSON), never the sentence: a report worded when the
file was read would stay in the language of that moment, whoever reads it later. The sentence is
made when it is shown, in the reader's language (`text`); a group of rows with the same reason is
named by its `summary`, the reason without the parameters that differ from row to row.

Reports stored before the codes hold the Italian sentence itself: an unknown code is shown as it is.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Reason:
    text: Promise  # with the %(name)s of its parameters
    summary: Promise | None = None  # for a reason with parameters: what its rows have in common


REASONS: dict[str, Reason] = {
    # a value alone
    "missing": Reason(_("valore mancante")),
    "too_long": Reason(_("più lungo di %(max)d caratteri"), _("valore troppo lungo")),
    "date_invalid": Reason(_("data non valida (usa gg/mm/aaaa)")),
    "date_nonexistent": Reason(_("data inesistente")),
    "amount_invalid": Reason(_("importo non valido")),
    "amount_decimals": Reason(_("più di 2 decimali")),
    "not_positive": Reason(_("deve essere maggiore di zero")),
    "negative": Reason(_("non può essere negativo")),
    "service_unknown": Reason(_("servizio sconosciuto (ENERGIA, GAS o ACQUA)")),
    "pod_invalid": Reason(_("POD non valido per ENERGIA (IT + 3 cifre + E + 8 cifre)")),
    "pdr_invalid": Reason(_("PDR non valido per GAS (14 cifre)")),
    "cf_length": Reason(
        _("deve avere 16 caratteri (ne ha %(count)d)"), _("codice fiscale senza 16 caratteri")
    ),
    "cf_format": Reason(_("formato non valido")),
    "cf_check": Reason(_("carattere di controllo errato")),
    "cf_birth_date": Reason(_("data di nascita impossibile")),
    "territory_unknown": Reason(_("nessun Comune con questo codice catastale usa Risorsa")),
    "channel_unknown": Reason(_("canale sconosciuto")),
    "event_kind_unknown": Reason(_("tipo di evento sconosciuto")),
    # a row against the others
    "due_before_issue": Reason(_("precede la data di emissione")),
    "residual_over_amount": Reason(_("maggiore dell'importo della fattura")),
    "nul": Reason(_("contiene un carattere NUL (byte zero): il file è danneggiato")),
    "long_row": Reason(
        _(
            "la riga ha %(cells)s campi, l'intestazione %(header)s: un delimitatore in più o una "
            "virgoletta mancante"
        ),
        _("la riga ha più campi dell'intestazione: un delimitatore in più o una virgoletta mancante"),
    ),
    # a row against the file or what is stored
    "territory_missing": Reason(
        _("manca il Comune della fornitura e il gestore non ha un Comune predefinito")
    ),
    "names_differ_in_file": Reason(_("lo stesso codice fiscale compare con cognome e nome diversi")),
    "holders_differ_in_file": Reason(_("lo stesso cliente compare con codici fiscali diversi")),
    "holder_in_ledger": Reason(
        _("cliente già intestato al codice fiscale %(code)s"),
        _("cliente già intestato a un altro codice fiscale"),
    ),
    "bill_repeated_in_file": Reason(_("numero fattura ripetuto nel file")),
    "bill_in_ledger": Reason(
        _("fattura già registrata per il cliente %(code)s"),
        _("fattura già registrata per un altro cliente"),
    ),
    "payment_repeated_in_file": Reason(_("id pagamento ripetuto nel file")),
    "payment_in_ledger": Reason(_("pagamento già registrato con dati diversi")),
    "customer_unknown": Reason(_("cliente sconosciuto: importa prima le fatture")),
    "bill_unknown": Reason(_("fattura sconosciuta per questo cliente")),
    "reference_unknown": Reason(_("nessun accredito con questo riferimento, cliente e importo")),
    "reference_repeated_in_file": Reason(_("riferimento ripetuto nel file")),
    "credit_applied": Reason(
        _("accredito già applicato dal pagamento %(id)s"),
        _("accredito già applicato da un altro pagamento"),
    ),
    "event_repeated_in_file": Reason(_("id evento ripetuto nel file")),
    "event_in_ledger": Reason(_("evento già registrato con dati diversi")),
    "supply_point_unknown": Reason(_("punto di fornitura sconosciuto")),
}

# What a run that was imported warns about (ImportRun.warnings: {"reason": code, "params": {...}}).
WARNINGS: dict[str, Reason] = {
    "unknown_columns": Reason(_("Colonne sconosciute ignorate: %(columns)s.")),
    "unterminated": Reason(
        _(
            "L'ultima riga (riga %(line)s) non termina con un a capo: il file potrebbe essere stato "
            "troncato. Verifica che i suoi valori, per esempio l'importo, siano completi."
        )
    ),
}


def _worded(reason: Reason | None, code: str, params: Mapping | None) -> str:
    if reason is None:
        return code  # a report from before the codes: its Italian sentence
    return str(reason.text) % params if params else str(reason.text)


def text(code: str, params: Mapping | None = None) -> str:
    """A row's reason in the reader's language."""
    return _worded(REASONS.get(code), code, params)


def summary(code: str) -> str:
    """What the rows refused for `code` have in common, without their own parameters."""
    reason = REASONS.get(code)
    if reason is None:
        return code
    return str(reason.summary or reason.text)


def has_parameters(code: str) -> bool:
    reason = REASONS.get(code)
    return reason is not None and reason.summary is not None


def warning(code: str, **params) -> dict:
    """A run's warning as stored."""
    return {"reason": code, "params": params}


def warning_text(stored: dict | str) -> str:
    """A run's warning in the reader's language (a warning from before the codes: as written)."""
    if isinstance(stored, str):
        return stored
    return _worded(WARNINGS.get(stored.get("reason", "")), stored.get("reason", ""), stored.get("params"))
