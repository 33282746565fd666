from decimal import Decimal

from django import forms, template
from django.utils.formats import number_format

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
