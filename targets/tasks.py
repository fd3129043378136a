"""Celery tasks of the dashboards (this module is Celery's, not the plan's work tasks)."""

from celery import shared_task

from targets.warm import run_warmup


@shared_task(ignore_result=True)
def warm_dashboard_cache(plan_id):
    """Fill the cache of `plan_id`'s main pages after its data changed (targets/warm.py)."""
    return run_warmup(plan_id)
