"""How the solvers model driver breaks so their plans keep the scheduler's rule.

The scheduler (``dispatcher.scheduling``) takes a break before any leg that
would push the driving since the last break past ``after_driving``. A route
that drives at most ``after_driving`` minutes in all therefore never breaks,
and its times are exactly the times without a break rule. That is the usual
case in city delivery (on a 1,000-order demo day no route drives more than
4 h 25), so each vehicle with a break rule gets one of two models:

* **capped** (the default): travel times are exact and the route may drive at
  most ``after_driving`` minutes (a "drive" dimension in OR-Tools). The
  scheduler then schedules no break and re-times the route to the same minute.
* **stretched**: for a vehicle whose current route already drives longer (the
  warm start must stay a valid plan), every minute of driving is stretched by
  ``break_allowance`` so that the plan stays feasible with real breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dispatcher.scheduling import schedule_route

if TYPE_CHECKING:
    from dispatcher.model import BreakRule
    from dispatcher.optimize.problem import RoutingProblem


@dataclass(frozen=True, slots=True)
class BreakModel:
    """One vehicle's break model.

    ``stretch`` is the extra driving time per minute driven; ``drive_cap`` the
    most minutes of driving the route may have (None: no cap).
    """

    stretch: float = 0.0
    drive_cap: float | None = None


NO_BREAKS = BreakModel()
"""A vehicle without a break rule."""


def break_allowance(rule: BreakRule | None, longest_leg: float) -> float:
    """Extra driving time per minute driven that surely covers the breaks.

    The rule takes a break before any leg that would push the driving since
    the last break past ``after_driving`` (A). So the k-th break comes only
    after more than k·(A - L) minutes of driving, L the longest leg, and also
    k·A < 2·(driving so far). Stretching every leg by D / max(A - L, A / 2)
    therefore makes every arrival at least as late as with real breaks.
    """
    if rule is None:
        return 0.0
    return rule.duration / max(rule.after_driving - longest_leg, rule.after_driving / 2)


def break_models(problem: RoutingProblem) -> tuple[BreakModel, ...]:
    """The break model of each vehicle of ``problem`` (see the module docstring)."""
    longest = float(np.asarray(problem.matrix.duration_min).max(initial=0.0))
    out = []
    for fleet in problem.vehicles:
        rule = fleet.spec.break_rule
        if rule is None:
            out.append(NO_BREAKS)
            continue
        driving = 0.0
        if fleet.current:
            driving = schedule_route(
                fleet.spec,
                [problem.jobs[j].stop for j in fleet.current],
                problem.matrix,
                start_time=fleet.replan_start,
            ).driving_min
        if driving > rule.after_driving:
            out.append(BreakModel(stretch=break_allowance(rule, longest)))
        else:
            out.append(BreakModel(drive_cap=float(rule.after_driving)))
    return tuple(out)
