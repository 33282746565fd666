from dataclasses import dataclass
from decimal import Decimal

from django import forms, template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html

from risorsa.core.money import format_euro

register = template.Library()


@register.filter
def euro(value):
    """Render an amount Italian style: {{ amount|euro }} -> 1.234,56 €."""
    return format_euro(value)


@register.filter
def percent(value):
    """A share as a percentage with one decimal, in the active language's format: 0.623 -> 62,3%."""
    if value is None:
        return ""
    return f"{number_format(Decimal(value) * 100, decimal_pos=1)}%"


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode()


@register.filter
def styled(bound_field):
    """Render a form field's widget with its Bootstrap Italia class, marked invalid on errors."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if bound_field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}_errors"
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def status_badge(subject, label=None, choices=None):
    """A status as a badge, coloured by its choices' TONES (core.choices): `{% status_badge plan %}`
    for a model with a `status` field and a `Status` attribute, `{% status_badge row.status
    label=row.status_label choices=statuses %}` for a row of values."""
    if hasattr(subject, "status"):
        value = subject.status
        label = label or subject.get_status_display()
        choices = choices or type(subject).Status
    else:
        value = subject
    tone = choices.tone_of(value)
    dark_text = " text-dark" if tone == "warning" else ""
    return format_html('<span class="badge bg-{}{}">{}</span>', tone, dark_text, label)


@register.inclusion_tag("partials/breadcrumb.html")
def breadcrumb(*steps):
    """The page's trail: label and link pairs, then the current page's label.
    `{% breadcrumb _("Interventi spot") "interventions:list" intervention.customer.code %}`;
    a link is a URL name without arguments or a path."""
    *pairs, current = steps
    trail = [
        (label, url if url.startswith("/") else reverse(url))
        for label, url in zip(pairs[::2], pairs[1::2], strict=True)
    ]
    return {"trail": trail, "current": current}


@register.inclusion_tag("partials/stat_card.html")
def stat_card(label, value, testid="", note="", total=None, alert=False):
    """One figure in a card: `{% stat_card _("Quota utente") amount|euro testid="share" %}`;
    `total`: what the figure is out of (`12 / 130`), `alert`: the figure is past what it should be."""
    return {"label": label, "value": value, "testid": testid, "note": note, "total": total, "alert": alert}


@dataclass(frozen=True)
class Column:
    """A header cell of partials/list_table.html: its label and its alignment."""

    label: str
    css: str = ""

    def __str__(self) -> str:
        return str(self.label)


@register.simple_tag
def columns(*labels):
    """A list table's header, for partials/list_table.html:
    `{% translate "Saldo" as balance %}{% columns _("Cliente") balance|numeric as columns %}`
    (a filter cannot follow `_("…")` in a tag's arguments)."""
    return [label if isinstance(label, Column) else Column(label) for label in labels]


@register.filter
def numeric(label):
    """A column of amounts or counts: its header is right-aligned like its figures."""
    return Column(label, "text-end")


@register.simple_block_tag
def scroll_region(content, label):
    """A wide table's box, scrolled sideways on a narrow screen: a named region that takes focus, so
    that the keyboard can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).

    {% scroll_region _("Fatture") %}<table>…</table>{% endscroll_region %}
    """
    return format_html(
        '<div class="table-responsive" tabindex="0" role="region" aria-label="{}">{}</div>', label, content
    )
