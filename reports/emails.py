"""Email: every message is a subject/text/html triad under templates/emails/, rendered by one helper."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name, context):
    """(subject, text, html) of templates/emails/<name>-subject.txt, -body.txt, -body.html, in Chinese."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override("zh-hans"):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    return subject, text, html


def build_email(name, context, to, attachments=()):
    """An EmailMultiAlternatives ready to send; attachments are (filename, bytes, mimetype)."""
    subject, text, html = render_email(name, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, list(to))
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def send_email(name, context, to, attachments=()):
    build_email(name, context, to, attachments).send(fail_silently=False)

