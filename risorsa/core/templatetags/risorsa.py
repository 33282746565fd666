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


def described_by(bound_field) -> str:
    """The ids of what partials/form_fields.html writes under a field: its help text and its errors
    (Django's own names for them, `id_x_helptext` and `id_x_error`)."""
    if not bound_field.auto_id:
        return ""
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}_error")
    return " ".join(ids)


@register.filter
def styled(bound_field):
    """Render a form field's widget with its Bootstrap Italia class, described by its help text and
    errors (`aria-describedby`), marked invalid on errors (`aria-invalid`)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    classes = [widget.attrs.get("class", ""), css]
    if css != "form-check-input":
        # Bootstrap Italia draws a select (and a file input) with no border at all: every field
        # gets the underline its text inputs have, red when it is wrong.
        classes += ["border-bottom", "border-danger" if bound_field.errors else "border-secondary"]
    attrs = {}
    if described := described_by(bound_field):
        attrs["aria-describedby"] = described
    if bound_field.errors:
        classes.append("is-invalid")
        attrs["aria-invalid"] = "true"
    attrs["class"] = " ".join(c for c in classes if c)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def described(bound_field) -> str:
    """`aria-describedby` of a group of options (a fieldset): its help text and errors."""
    return described_by(bound_field)


def field_anchor(bound_field) -> str:
    """The id a link to the field goes to: its input, or its first option's."""
    if bound_field.id_for_label:
        return bound_field.id_for_label
    for option in bound_field.subwidgets:
        if option.id_for_label:
            return option.id_for_label
    return bound_field.auto_id or ""


@dataclass(frozen=True)
class FormError:
    """One line of a form's error summary: the field's label, the message, where the link goes."""

    label: str
    message: str
    anchor: str


@register.simple_tag
def form_errors(form) -> list[FormError]:
    """A form's errors in the order of its fields, for its summary (partials/form_errors.html):
    the errors of the whole form first, linked to its first field."""
    visible = form.visible_fields()
    first = field_anchor(visible[0]) if visible else ""
    entries = [FormError("", str(message), first) for message in form.non_field_errors()]
    for field in visible:
        entries += [
            FormError(str(field.label), str(message), field_anchor(field)) for message in field.errors
        ]
    for field in form.hidden_fields():  # a hidden field's error is the form's: nothing to go to
        entries += [FormError("", str(message), first) for message in field.errors]
    return entries


@register.filter
def column(bound_field) -> str:
    """The column of a field in a form laid out in a row (a list's filters): the form's `columns`
    name it (`{"activity": "col-md-3"}`), else an equal share."""
    return getattr(bound_field.form, "columns", {}).get(bound_field.name, "col-md")


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
