"""What a score is: the components, the events that cost points, a unit's score and the ranking
(the rules that fill them: reports/assessment/components.py)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy

ONE_DECIMAL = Decimal("0.1")
HUNDRED = Decimal(100)


class Component(models.TextChoices):
    TIMELINESS = "timeliness", gettext_lazy("报送及时性")
    COMPLETENESS = "completeness", gettext_lazy("报送完整性")
    QUALITY = "quality", gettext_lazy("报送质量")
    PROGRESS = "progress", gettext_lazy("工作进展")
    NOTICES = "notices", gettext_lazy("督办落实")


WEIGHT_FIELD = {component: f"{component.value}_weight" for component in Component}


def rounded(number):
    return Decimal(number).quantize(ONE_DECIMAL, ROUND_HALF_UP)


@dataclass
class Event:
    """Something that cost a unit points: its wording, the points lost (exact) and where it is."""

    text: str
    lost: Decimal
    url: str = ""

    @property
    def points(self):
        """The points as the page writes them: -2.5 (0.0, never -0.0)."""
        points = rounded(self.lost)
        return -points if points else points


@dataclass
class ComponentScore:
    component: Component
    full: Decimal
    basis: str = ""
    events: list = field(default_factory=list)

    @property
    def lost(self):
        return sum((event.lost for event in self.events), Decimal(0))

    @property
    def points(self):
        return rounded(max(Decimal(0), self.full - self.lost))

    @property
    def capped(self):
        """The events cost more than the component is worth: it stops at 0."""
        return self.lost > self.full

    @property
    def label(self):
        return self.component.label


@dataclass
class UnitScore:
    unit: object
    components: dict
    rank: int = 0
    url: str = ""

    @property
    def total(self):
        return sum((score.points for score in self.components.values()), Decimal(0))

    def points(self, component):
        return self.components[component].points


def rank(scores):
    """Best total first; equal totals share a rank (1, 1, 3), as the 通报's ranking does, then plan order."""
    scores.sort(key=lambda score: -score.total)  # stable: plan order kept among equals
    for index, score in enumerate(scores):
        previous = scores[index - 1] if index else None
        score.rank = previous.rank if previous is not None and previous.total == score.total else index + 1
    return scores
