"""Plans: the routes and stops of a date, saved under the plan's version."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from db import mapping as m
from db.errors import translating_methods
from db.repositories.base import SqlRepository, chunks, select_records
from db.schema import PlanRow, RouteRow, StopRow
from dispatcher.errors import StalePlan, ValidationError
from dispatcher.model import Plan, Route, RouteId, Stop, StopId

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Mapping

    from sqlalchemy.orm import Session


@translating_methods
class SqlPlanRepository(SqlRepository):
    """Plans of a date: routes and stops, versioned as a whole.

    A plan read by ``get`` (or returned by ``save``) is remembered for the rest
    of its transaction. Saving a plan at that version then compares against it
    instead of reading every stop of the date again, and routes passed back as
    the very objects read are known unchanged without a look: an edit of two
    routes on a 2,000-stop day writes in time proportional to those routes.
    The version check makes this safe: every save moves the version on, so if
    the stored version is still the one read in this transaction, so are the
    stored routes.
    """

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._read: dict[dt.date, tuple[object, Plan]] = {}

    def _remember(self, plan: Plan) -> Plan:
        """Keep ``plan`` as the stored state of its date in this transaction."""
        transaction = self._session.get_transaction()
        if transaction is not None:
            self._read[plan.date] = (transaction, plan)
        return plan

    def _remembered(self, day: dt.date, version: int) -> Plan | None:
        """The plan of ``day`` at ``version`` read in this very transaction."""
        entry = self._read.get(day)
        if entry is None or entry[0] is not self._session.get_transaction():
            return None
        return entry[1] if entry[1].version == version else None

    def get(self, day: dt.date) -> Plan:
        """The plan of a date in three queries (an empty version-0 plan if none)."""
        plan_row = self._session.execute(
            select(PlanRow.version, PlanRow.dispatched_version).where(
                PlanRow.date == day
            )
        ).one_or_none()
        if plan_row is None:
            return Plan(date=day)
        route_rows = self._all(
            select_records(RouteRow)
            .where(RouteRow.date == day)
            .order_by(RouteRow.vehicle_id)
        )
        stops = self._stops_by_route(day)
        routes = tuple(m.route_from_row(r, stops.get(r.id, ())) for r in route_rows)
        return self._remember(
            Plan(
                date=day,
                routes=routes,
                version=plan_row.version,
                dispatched_version=plan_row.dispatched_version,
            )
        )

    def dates(self) -> list[dt.date]:
        """Every date with a stored plan, ascending."""
        return list(self._session.scalars(select(PlanRow.date).order_by(PlanRow.date)))

    def _stop_rows(self, day: dt.date) -> list[StopRow]:
        return self._all(
            select_records(StopRow)
            .where(
                StopRow.route_id.in_(select(RouteRow.id).where(RouteRow.date == day))
            )
            .order_by(StopRow.route_id, StopRow.sequence)
        )

    def _stops_by_route(self, day: dt.date) -> dict[int, tuple[Stop, ...]]:
        grouped: dict[int, list[Stop]] = defaultdict(list)
        for row in self._stop_rows(day):
            grouped[row.route_id].append(m.stop_from_row(row))
        return {rid: tuple(stops) for rid, stops in grouped.items()}

    def save(self, plan: Plan) -> Plan:
        """Store the routes of ``plan.date`` if nobody saved the date since it was read.

        Only routes whose content changed are written (their version goes up by
        one); new routes start at version 1; routes missing from ``plan`` are
        deleted. Stops keep their ids while their order stays on the plan, and
        are numbered 1, 2, ... in the order of ``Route.stops``.

        Returns
        -------
        Plan
            The plan as stored: next version, ids of new routes and stops,
            routes sorted by vehicle id.

        Raises
        ------
        StalePlan
            If ``plan.version`` is not the stored version.
        ValidationError
            If the plan has two routes for one vehicle, an order twice, a route
            of another date, or an order already planned on another date.
        """
        incoming = _normalized_routes(plan)
        remembered = self._remembered(plan.date, plan.version)
        new_version = self._bump_version(plan)
        stored = (
            _Stored.from_plan(remembered)
            if remembered is not None
            else self._stored_from_rows(plan.date)
        )
        planned_orders = {s.order_id for r in incoming for s in r.stops}

        self._delete_ids(
            StopRow,
            [sid for oid, sid in stored.stop_ids.items() if oid not in planned_orders],
        )
        new_routes = [r for r in incoming if r.vehicle_id not in stored.route_ids]
        changed = [
            r
            for r in incoming
            if r.vehicle_id in stored.route_ids and not stored.unchanged(r)
        ]
        route_ids = dict(stored.route_ids)
        new_ids = self._insert(
            RouteRow, [m.route_values(r) | {"version": 1} for r in new_routes]
        )
        route_ids.update(zip((r.vehicle_id for r in new_routes), new_ids, strict=True))
        versions = dict(stored.versions)
        versions.update({r.vehicle_id: 1 for r in new_routes})
        versions.update({r.vehicle_id: versions[r.vehicle_id] + 1 for r in changed})
        if changed:
            self._session.execute(
                update(RouteRow),
                [
                    m.route_values(r)
                    | {"id": route_ids[r.vehicle_id], "version": versions[r.vehicle_id]}
                    for r in changed
                ],
            )
        stop_ids = self._write_stops(new_routes + changed, route_ids, stored)
        kept_vehicles = {r.vehicle_id for r in incoming}
        self._delete_ids(
            RouteRow,
            [rid for vid, rid in stored.route_ids.items() if vid not in kept_vehicles],
        )
        routes = tuple(
            _stored_route(r, route_ids[r.vehicle_id], versions[r.vehicle_id], stop_ids)
            for r in incoming
        )
        return self._remember(
            Plan(
                date=plan.date,
                routes=routes,
                version=new_version,
                dispatched_version=plan.dispatched_version,
            )
        )

    def _stored_from_rows(self, day: dt.date) -> _Stored:
        """What is stored for ``day``, read from the database."""
        route_rows = self._all(select_records(RouteRow).where(RouteRow.date == day))
        stop_rows = self._stop_rows(day)
        by_order = {row.order_id: row for row in stop_rows}
        grouped: dict[int, list[tuple[object, ...]]] = defaultdict(list)
        for row in stop_rows:  # ordered by route and sequence
            grouped[row.route_id].append(m.stop_content(row))
        # Stop records have the attribute names of Stop, so route_content-style
        # tuples come straight from them, without building a Stop per row.
        content = {
            row.vehicle_id: (
                row.vehicle_id,
                row.driver_id,
                row.status,
                row.locked,
                tuple(grouped.get(row.id, ())),
            )
            for row in route_rows
        }
        return _Stored(
            route_ids={row.vehicle_id: row.id for row in route_rows},
            versions={row.vehicle_id: row.version for row in route_rows},
            stop_ids={oid: row.id for oid, row in by_order.items()},
            content=content.__getitem__,
            stop_values=lambda oid: {
                k: getattr(by_order[oid], k) for k in m.STOP_COLUMNS
            },
        )

    def _bump_version(self, plan: Plan) -> int:
        """Take the plan's optimistic lock: its next version, or ``StalePlan``."""
        stale = StalePlan(
            f"The plan of {plan.date:%Y-%m-%d} was changed by someone else since you "
            "loaded it; reload it and make your change again."
        )
        if plan.version == 0:
            stored = self._session.scalar(
                select(PlanRow.version).where(PlanRow.date == plan.date)
            )
            if stored is not None:
                raise stale
            try:
                self._session.execute(
                    insert(PlanRow).values(
                        date=plan.date,
                        version=1,
                        dispatched_version=plan.dispatched_version,
                    )
                )
            except IntegrityError as exc:
                # Somebody's first save of the same date committed in between.
                raise stale from exc
            return 1
        if not self._update_where(
            PlanRow,
            [PlanRow.date == plan.date, PlanRow.version == plan.version],
            {
                "version": plan.version + 1,
                "dispatched_version": plan.dispatched_version,
            },
        ):
            raise stale
        return plan.version + 1

    def _write_stops(
        self, routes: list[Route], route_ids: dict[int, int], stored: _Stored
    ) -> dict[int, int]:
        """Update moved stops, insert new ones; returns the stop id of each order."""
        stop_ids = dict(stored.stop_ids)
        updates: list[m.Values] = []
        inserts: list[m.Values] = []
        for route in routes:
            rid = route_ids[route.vehicle_id]
            for stop in route.stops:
                values = m.stop_values(rid, stop.sequence, stop)
                stop_id = stored.stop_ids.get(stop.order_id)
                if stop_id is None:
                    inserts.append(values)
                elif stored.stop_values(stop.order_id) != values:
                    updates.append(values | {"id": stop_id})
        if updates:
            # Park moved stops on negative sequences first, so no intermediate
            # state of the executemany breaks unique(route_id, sequence).
            for chunk in chunks([v["id"] for v in updates]):
                self._session.execute(
                    update(StopRow)
                    .where(StopRow.id.in_(chunk))
                    .values(sequence=-StopRow.id)
                    .execution_options(synchronize_session=False)
                )
            self._session.execute(update(StopRow), updates)
        if inserts:
            self._refuse_orders_planned_elsewhere([v["order_id"] for v in inserts])
            new_ids = self._insert(StopRow, inserts)
            stop_ids.update(zip((v["order_id"] for v in inserts), new_ids, strict=True))
        return stop_ids

    def _refuse_orders_planned_elsewhere(self, order_ids: list[int]) -> None:
        """An order is on one route at most: refuse orders planned on another date."""
        clashes: list[int] = []
        for chunk in chunks(order_ids):
            clashes += self._session.scalars(
                select(StopRow.order_id).where(StopRow.order_id.in_(chunk))
            )
        if clashes:
            listed = ", ".join(str(o) for o in sorted(clashes)[:5])
            raise ValidationError(
                f"Orders {listed} are already planned on another date; "
                "unassign them there first."
            )

    def _delete_ids(self, row_class: type[Any], ids: list[int]) -> None:
        for chunk in chunks(ids):
            self._session.execute(
                delete(row_class)
                .where(row_class.id.in_(chunk))
                .execution_options(synchronize_session=False)
            )


@dataclasses.dataclass(frozen=True, slots=True)
class _Stored:
    """The stored routes and stops of a date, as ``save`` compares against them.

    Built from the rows, or from a plan read earlier in the same transaction
    (``routes`` then holds its routes, so untouched ones are known by identity).
    """

    route_ids: dict[int, int]
    versions: dict[int, int]
    stop_ids: dict[int, int]
    content: Callable[[int], tuple[object, ...]]
    """``route_content`` of a vehicle's stored route."""
    stop_values: Callable[[int], m.Values]
    """Stored column values (``m.STOP_COLUMNS``) of an order's stop."""
    routes: Mapping[int, Route] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_plan(cls, plan: Plan) -> _Stored:
        """The stored state described by a plan read in this transaction."""
        routes: dict[int, Route] = {r.vehicle_id: r for r in plan.routes}
        placed: dict[int, tuple[int, Stop]] = {
            s.order_id: (r.id, s) for r in plan.routes for s in r.stops
        }

        def stop_values(order_id: int) -> m.Values:
            route_id, stop = placed[order_id]
            return m.stop_values(route_id, stop.sequence, stop)

        return cls(
            route_ids={vid: r.id for vid, r in routes.items()},
            versions={vid: r.version for vid, r in routes.items()},
            stop_ids={oid: stop.id for oid, (_, stop) in placed.items()},
            content=lambda vid: m.route_content(routes[vid]),
            stop_values=stop_values,
            routes=routes,
        )

    def unchanged(self, route: Route) -> bool:
        """True if ``route`` is what is stored for its vehicle."""
        if self.routes.get(route.vehicle_id) is route:
            return True
        return m.route_content(route) == self.content(route.vehicle_id)


def _normalized_routes(plan: Plan) -> list[Route]:
    """The plan's routes sorted by vehicle, stops numbered 1..n; refuses bad plans."""
    seen_vehicles: set[int] = set()
    seen_orders: set[int] = set()
    routes = []
    for route in sorted(plan.routes, key=lambda r: r.vehicle_id):
        if route.date != plan.date:
            raise ValidationError(
                f"A route of {route.date:%Y-%m-%d} cannot be saved in the plan of "
                f"{plan.date:%Y-%m-%d}; move it to its own date."
            )
        if route.vehicle_id in seen_vehicles:
            raise ValidationError(
                f"Vehicle {route.vehicle_id} has two routes on {plan.date:%Y-%m-%d}; "
                "merge them into one."
            )
        seen_vehicles.add(route.vehicle_id)
        stops = []
        for position, stop in enumerate(route.stops, start=1):
            if stop.order_id in seen_orders:
                raise ValidationError(
                    f"Order {stop.order_id} is on the plan twice; keep one stop for it."
                )
            seen_orders.add(stop.order_id)
            # Copy only what needs renumbering: most stops already are in place.
            if stop.sequence != position:
                stop = dataclasses.replace(stop, sequence=position)
            stops.append(stop)
        if any(a is not b for a, b in zip(stops, route.stops, strict=True)):
            route = dataclasses.replace(route, stops=tuple(stops))
        routes.append(route)
    return routes


def _stored_route(
    route: Route, route_id: int, version: int, stop_ids: dict[int, int]
) -> Route:
    """``route`` with the ids and version it was stored with.

    Stops and routes that already carry them are returned as they are, so a
    caller can tell untouched routes by identity.
    """
    stops = tuple(
        s
        if s.id == stop_ids[s.order_id]
        else dataclasses.replace(s, id=StopId(stop_ids[s.order_id]))
        for s in route.stops
    )
    if (route.id, route.version) == (route_id, version) and all(
        a is b for a, b in zip(stops, route.stops, strict=True)
    ):
        return route
    return dataclasses.replace(
        route, id=RouteId(route_id), version=version, stops=stops
    )
