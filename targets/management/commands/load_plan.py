from django.core.management import call_command
from django.core.management.base import BaseCommand

from targets.models import TargetStanding
from tasks.signals import plan_data_changed
from tasks.models import Plan


class Command(BaseCommand):
    help = "Loads the 2023 plan (fixtures/plan_2023.json) unless it is already in the database."

    def handle(self, *args, **options):
        plan = Plan.objects.filter(code="2023").first()
        if plan is not None:
            self.stdout.write("2023 plan already loaded.")
            if not TargetStanding.objects.filter(plan=plan).exists():  # a database from before stored standings
                plan_data_changed.send(sender=None, plan=plan)
                self.stdout.write("Standings computed.")
            return
        call_command("loaddata", "plan_2023", verbosity=0)
        plan = Plan.objects.get(code="2023")
        plan_data_changed.send(sender=None, plan=plan)
        self.stdout.write(
            f"Loaded {plan}: {plan.tasks.count()} tasks, {plan.targets.count()} targets."
        )
