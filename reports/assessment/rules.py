"""A unit's score for a period (考核评比): the five components (reports/assessment/components.py,
whose docstring states every rule) over what reports/assessment/data.py reads, ranked
(reports/assessment/scores.py). The ranking page, the workbook and the 通报 call `score_units`."""

from reports.assessment.components import completeness, notices, progress, quality, timeliness
from reports.assessment.data import load
from reports.assessment.scores import Component, UnitScore, rank


def score_units(plan, months, rules, today=None):
    """([UnitScore] of every reporting unit (tasks.reporting.reporting_units) over `months`, ranked; the
    AssessmentData read). The workbook and the 通报 call this with AssessmentRules.current()."""
    data = load(plan, months, today)
    scores = []
    for unit in data.units:
        components = {
            Component.TIMELINESS: timeliness(data, unit, rules),
            Component.COMPLETENESS: completeness(data, unit, rules),
            Component.QUALITY: quality(data, unit, rules),
            Component.PROGRESS: progress(data, unit, rules),
            Component.NOTICES: notices(data, unit, rules),
        }
        scores.append(UnitScore(unit, components))
    return rank(scores), data
