"""`{% action_buttons subject %}`: the actions a member may do to a subject now (organizations.actions)."""

from django import template

from risorsa.organizations.actions import actions_for

register = template.Library()


@register.inclusion_tag("partials/actions.html", takes_context=True)
def action_buttons(context, subject, failed=None, failed_form=None):
    """Buttons and forms of the subject's available actions; after a refused POST, the action
    `failed` shows its bound form `failed_form` with the errors."""
    table = actions_for(type(subject))
    membership = getattr(context["request"], "membership", None)
    entries = []
    for action in table.available(subject, membership):
        if failed == action.name and failed_form is not None:
            form = failed_form
        else:
            form = action.build_form(subject)
        entries.append({"action": action, "form": form, "url": table.action_url(subject, action)})
    return {
        "simple": [entry for entry in entries if entry["form"] is None],
        "with_form": [entry for entry in entries if entry["form"] is not None],
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
