import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuhan_plan.settings")

app = Celery("wuhan_plan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
