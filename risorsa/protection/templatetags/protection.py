"""`{% latest_protection customer as protection %}`: what a customer's page says of protection."""

from django import template

from risorsa.protection import selectors

register = template.Library()


@register.simple_tag
def latest_protection(customer):
    """The customer's protection in course, else their latest (ended) one, else None
    (protection.selectors.latest_protection_for): the page links it, and offers a new one only
    when none is in course."""
    return selectors.latest_protection_for(customer=customer)
