"""`{% action_buttons subject %}`: the actions a member may do to a subject now (organizations.actions)."""

from django import template

from risorsa.organizations.actions import actions_for

register = template.Library()


@register.inclusion_tag("partials/actions.html", takes_context=True)
def action_buttons(context, subject, failed=None, failed_form=None):
    """Buttons and forms of the subject's available actions; after a refused POST, the action
    `failed` shows its bound form `failed_form` with the errors. A danger action is only a button
    here: it opens its own page, which asks to confirm it (organizations.actions.Actions.answer)."""
    table = actions_for(type(subject))
    membership = getattr(context["request"], "membership", None)
    harmless, dangerous = [], []
    for action in table.available(subject, membership):
        entry = {"action": action, "url": table.action_url(subject, action), "form": None}
        if action.danger:
            dangerous.append(entry)
            continue
        if failed == action.name and failed_form is not None:
            entry["form"] = failed_form
        else:
            entry["form"] = action.build_form(subject)
        harmless.append(entry)
    return {
        "simple": [entry for entry in harmless if entry["form"] is None],
        "with_form": [entry for entry in harmless if entry["form"] is not None],
        "dangerous": dangerous,
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }
