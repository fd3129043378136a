"""The overview's completion chart: one bar per target on the real plan, counts per group on big plans."""

from decimal import Decimal

from targets.charts.completion import GROUPED_ABOVE, completion_figure
from targets.models import Target
from targets.progress import standing_for
from tests.personas import PersonasTestCase


class CompletionFigureTests(PersonasTestCase):
    def standings(self, copies):
        targets = list(Target.objects.filter(plan=self.plan).select_related("goal_section").prefetch_related("tasks"))
        half = {1: Decimal(1)}  # a small January value: most targets behind, none missing
        return [standing_for(t, 6, half) for _ in range(copies) for t in targets]

    def test_it_draws_a_bar_per_target_on_the_real_plan(self):
        figure = completion_figure(self.standings(1))
        self.assertNotEqual(figure["layout"].get("barmode"), "stack")
        bars = [sum(1 for x in trace["x"] if x is not None) for trace in figure["data"] if trace.get("type") == "bar"]
        # A completion bar per target, and a time-progress bar per target that is not one of the
        # six rates (a rate is measured against its target, not the share of the year gone).
        self.assertEqual(sum(bars), 43 + 37)
        drawn = {
            name: x
            for trace in figure["data"] if trace.get("name", "").startswith("完成率")
            for name, x in zip(trace["y"][1], trace["x"])
        }
        self.assertEqual(drawn["T10 技术合同成交额"], 0.1)  # 1 ÷ 1450
        self.assertEqual(drawn["T11 高新技术产业增加值增速"], 8.7)  # a rate: 1% of 11.5%

    def test_it_counts_targets_per_group_on_a_big_plan(self):
        standings = self.standings(3)
        self.assertGreater(len(standings), GROUPED_ABOVE)
        figure = completion_figure(standings)
        self.assertEqual(figure["layout"]["barmode"], "stack")
        self.assertEqual(sum(sum(trace["x"]) for trace in figure["data"]), len(standings))
        self.assertIn("129", figure["layout"]["title"]["text"])
