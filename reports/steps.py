"""What the step pages of an urging notice (reports/supervision/) and a leader's instruction
(reports/instructions/) share: the refusal of a step the item's status does not allow, and the way a
posted step is taken — the form checked, the workflow called with the version the form was shown,
back to the item's page, or the page again with the form's errors (400) or the refusal (409)."""

from django.contrib import messages
from django.shortcuts import redirect

from reporting.services import EditConflict


class StepRefused(Exception):
    """The item's status does not allow this step (already signed, closed, escalated …)."""


def take_step(request, item, form, form_name, step, done_message, page, detail_view):
    """`step(cleaned_data)` runs the workflow; `page(request, item, status=…, **forms)` renders the item."""
    if not form.is_valid():
        return page(request, item, status=400, **{form_name: form})
    try:
        step(form.cleaned_data)
    except (EditConflict, StepRefused) as refusal:
        messages.error(request, str(refusal))
        item.refresh_from_db()
        return page(request, item, status=409)
    messages.success(request, done_message)
    return redirect(detail_view, item.pk)
