"""Bring an open day up to date after other windows committed changes to it.

Pure Python (no Qt): given the day a window shows and the change rows the feed
reported, read only what those rows name (the plan and the named orders),
compare it with what is shown, and re-time only the routes that differ
(``DayView.with_plan``). Rows the window wrote itself find nothing different,
so they are not applied twice. Changes that touch what every line depends on
(customers, vehicles, a dispatch) make it read the whole day instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatcher.changes import PlanChanges
from dispatcher.dispatching import DISPATCH_ENTITY
from dispatcher.errors import NotFound
from dispatcher.model import OrderId, Plan
from dispatcher.planning import changed_vehicles

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Sequence

    from dispatcher.day_view import DayView
    from dispatcher.model import Change, Order
    from dispatcher.ports import UnitOfWorkFactory

WHOLE_DAY_ENTITIES = frozenset(
    {"customer", "vehicle", "driver", "depot", DISPATCH_ENTITY}
)
"""Entities whose change may alter any line of a day: read the whole day again."""


@dataclass(frozen=True, slots=True)
class DayRefresh:
    """The day after other people's changes, and what differs from before."""

    view: DayView
    changes: PlanChanges
    users: tuple[str, ...]
    """Who made the changes, in order of first appearance."""


def concerns_day(change: Change, day: dt.date) -> bool:
    """True if a change row may change what a window showing ``day`` shows."""
    if change.plan_date == day:
        return True
    return change.plan_date is None and change.entity in WHOLE_DAY_ENTITIES


def refresh_day(
    uow_factory: UnitOfWorkFactory,
    view: DayView,
    changes: Iterable[Change],
    load: Callable[[dt.date], DayView],
) -> DayRefresh | None:
    """Read what ``changes`` touched on ``view``'s day and show it.

    Parameters
    ----------
    uow_factory
        Opens the unit of work the plan and orders are read in.
    view
        The day as the window shows it.
    changes
        Change rows from the feed (other days' rows are ignored).
    load
        Reads a whole day (``load_day``), when a targeted update cannot do.

    Returns
    -------
    DayRefresh | None
        None if the stored day does not differ from ``view`` (for instance the
        rows were the window's own edits).

    Raises
    ------
    DispatcherError
        If the database cannot be read.
    """
    relevant = [c for c in changes if concerns_day(c, view.date)]
    if not relevant:
        return None
    users = tuple(dict.fromkeys(c.user for c in relevant))
    if view.context is None or any(c.entity in WHOLE_DAY_ENTITIES for c in relevant):
        return _whole_day(view.date, load, users)
    order_ids = sorted(
        {OrderId(int(c.entity_id)) for c in relevant if c.entity == "order"}
    )
    try:
        with uow_factory() as uow:
            plan = uow.plans.get(view.date)
            orders = [uow.orders.get(oid) for oid in order_ids]
    except NotFound:
        return _whole_day(view.date, load, users)  # an order was deleted
    routes = tuple(line.route for line in view.routes)
    shown = Plan(view.date, routes, view.plan_version)
    vehicles = changed_vehicles(shown, plan)
    edited = _edited_orders(view, orders)
    if not vehicles and not edited and plan.version == view.plan_version:
        return None
    if any(view.line_of(o.id) is None or o.date != view.date for o in edited):
        return _whole_day(view.date, load, users)  # an order came or went
    try:
        new_view = view.with_plan(plan, vehicles, edited)
    except ValueError:  # e.g. a vehicle joined the fleet
        return _whole_day(view.date, load, users)
    touched = {
        oid
        for line in (*view.routes, *new_view.routes)
        if line.vehicle.id in vehicles
        for oid in line.route.order_ids
    }
    touched.update(o.id for o in edited)
    return DayRefresh(
        new_view,
        PlanChanges(view.date, plan.version, vehicles, frozenset(touched)),
        users,
    )


def _edited_orders(view: DayView, orders: Sequence[Order]) -> list[Order]:
    """The orders that differ from the lines the view shows."""
    edited = []
    for order in orders:
        line = view.line_of(order.id)
        if line is None or line.order != order:
            edited.append(order)
    return edited


def _whole_day(
    day: dt.date, load: Callable[[dt.date], DayView], users: tuple[str, ...]
) -> DayRefresh:
    view = load(day)
    return DayRefresh(view, PlanChanges(day, view.plan_version, reloaded=True), users)
