from django.core.management import call_command
from django.core.management.base import BaseCommand

from tasks.models import Plan


class Command(BaseCommand):
    help = "Loads the 2023 plan (fixtures/plan_2023.json) unless it is already in the database."

    def handle(self, *args, **options):
        if Plan.objects.filter(code="2023").exists():
            self.stdout.write("2023 plan already loaded.")
            return
        call_command("loaddata", "plan_2023", verbosity=0)
        plan = Plan.objects.get(code="2023")
        self.stdout.write(
            f"Loaded {plan}: {plan.tasks.count()} tasks, {plan.targets.count()} targets."
        )
