"""{{ message|next_step_link }}: the link to the next step a message carries (reporting.stepper)."""

from django import template

from reporting.stepper import link_of

register = template.Library()


@register.filter
def next_step_link(message):
    return link_of(message)
