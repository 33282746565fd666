from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Anonymisation(models.Model):
    """A person whose identifying data were erased after the retention period (GDPR art. 5(1)(e)).

    The person's row stays, under a pseudonym, so that every amount, date and count of past
    reports keeps its totals; this row says when and from which day the retention was counted.
    """

    person = models.OneToOneField(
        "registry.Person", on_delete=models.PROTECT, related_name="anonymisation", verbose_name=_("persona")
    )
    done_on = models.DateField(_("anonimizzata il"))
    last_activity_on = models.DateField(_("ultima attività"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("da"),
        help_text=_("Vuoto quando l'ha fatto il giro giornaliero."),
    )
    created_at = models.DateTimeField(_("registrata il"), auto_now_add=True)

    class Meta:
        verbose_name = _("anonimizzazione")
        verbose_name_plural = _("anonimizzazioni")
        ordering = ["-done_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person.codice_fiscale} ({self.done_on:%d/%m/%Y})"
