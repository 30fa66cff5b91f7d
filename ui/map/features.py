"""What the map draws, as JSON-ready dicts built from a ``DayView``.

The page gets plain data: depots, one polyline per route (start depot, stops in
sequence, end depot), one marker per order with its route colour and stop
number, the legend, and tooltips. Every text taken from data is HTML-escaped
here, once, before it leaves Python; the page inserts only these strings.

``day_state`` is the full picture (sent after the page is ready and on a new
day); ``changed_state`` holds only the routes and orders a ``PlanChanges``
touched, so an edit moves a few features and never redraws the map.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dispatcher.model import OPEN_ORDER_STATUSES, format_minutes
from dispatcher.timing import effective_windows
from ui.models.route_colors import UNASSIGNED_COLOR, text_color_on, vehicle_colors

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from dispatcher.day_view import DayView, OrderLine, RouteLine
    from dispatcher.model import Depot, DepotId, Location, OrderId, Vehicle, VehicleId

Feature = dict[str, Any]
"""One JSON object for the page."""


@dataclass(frozen=True, slots=True)
class Fleet:
    """The day's depots and vehicles, which a ``DayView`` alone does not list.

    ``vehicles`` should be the whole fleet, so colours stay put when routes
    appear or empty (see ``ui.models.route_colors.vehicle_colors``).
    """

    depots: Mapping[DepotId, Depot]
    vehicles: Mapping[VehicleId, Vehicle]

    def colors(self, view: DayView) -> dict[VehicleId, str]:
        """A colour per vehicle of the fleet and of the day's routes."""
        return vehicle_colors([*self.vehicles, *(r.vehicle.id for r in view.routes)])


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def _duration(minutes: float) -> str:
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def _windows_text(line: OrderLine) -> str:
    windows = effective_windows(line.order, line.customer)
    return ", ".join(str(w) for w in windows) if windows else "closed that day"


def order_tooltip(line: OrderLine) -> str:
    """The hover text of an order: customer, address, route, ETA, window, reference."""
    parts = [
        f'<div class="tip-title">{_escape(line.customer.name)}</div>',
        f'<div class="tip-muted">{_escape(line.customer.address)}</div>',
    ]
    if line.vehicle_name is not None and line.sequence is not None:
        vehicle = f'<span class="nowrap">{_escape(line.vehicle_name)}</span>'
        parts.append(f"<div>Stop {line.sequence} · {vehicle}</div>")
    else:
        parts.append("<div>Not on a route</div>")
    eta = f"ETA {format_minutes(line.eta)} · " if line.eta is not None else ""
    parts.append(f"<div>{eta}window {_escape(_windows_text(line))}</div>")
    if line.lateness > 0:
        late = f"Late by {_duration(line.lateness)}"
        parts.append(f'<div class="tip-late">{late}</div>')
    parts.append(f'<div class="tip-muted">Order {_escape(line.order.reference)}</div>')
    return "".join(parts)


def route_tooltip(line: RouteLine) -> str:
    """The hover text of a route line: vehicle, driver and totals."""
    schedule = line.schedule
    driver = f" · {_escape(line.driver.name)}" if line.driver is not None else ""
    text = (
        f'<div class="tip-title">{_escape(line.vehicle.name)}{driver}</div>'
        f"<div>{len(line.route.stops)} stops · {schedule.km:.0f} km"
        f" · {_duration(schedule.duration_min)}</div>"
    )
    if schedule.late_count:
        text += f'<div class="tip-late">{schedule.late_count} late</div>'
    return text


def depot_feature(depot: Depot) -> Feature:
    """A depot marker."""
    return {
        "id": int(depot.id),
        "lat": depot.location.lat,
        "lon": depot.location.lon,
        "tip": (
            f'<div class="tip-title">{_escape(depot.name)}</div>'
            f'<div class="tip-muted">Depot · {_escape(depot.address)}</div>'
        ),
    }


def order_feature(
    line: OrderLine, vehicle_id: VehicleId | None, color: str | None
) -> Feature:
    """An order marker: numbered and coloured on a route, hollow grey when not."""
    location = line.customer.location
    feature: Feature = {
        "id": int(line.order.id),
        "customer": int(line.customer.id),
        "lat": location.lat,
        "lon": location.lon,
        "vehicle": None,
        "seq": None,
        "color": UNASSIGNED_COLOR,
        "text": UNASSIGNED_COLOR,
        "late": line.lateness > 0,
        "tip": order_tooltip(line),
    }
    if vehicle_id is not None and color is not None:
        feature["vehicle"] = int(vehicle_id)
        feature["seq"] = line.sequence
        feature["color"] = color
        feature["text"] = text_color_on(color)
    return feature


def route_feature(
    line: RouteLine,
    depots: Mapping[DepotId, Depot],
    places: Mapping[OrderId, Location],
    color: str,
) -> Feature:
    """A route: its polyline from the start depot through every stop in sequence.

    The line ends at the end depot unless the vehicle runs an open route;
    ``legs`` says whether the first and last segments are depot legs (drawn
    lighter, so the stops' order stands out). An empty route has an empty
    path, which tells the page to remove the line.
    """
    stops = [places[oid] for oid in line.route.order_ids if oid in places]
    points: list[Location] = []
    legs = [False, False]
    if stops:
        start = depots.get(line.vehicle.depot_id)
        end = None if line.vehicle.open_route else depots.get(line.vehicle.end_depot)
        legs = [start is not None, end is not None]
        points = [start.location] if start is not None else []
        points += stops
        points += [end.location] if end is not None else []
    return {
        "vehicle": int(line.vehicle.id),
        "name": line.vehicle.name,
        "color": color,
        "stops": len(stops),
        "path": [[p.lat, p.lon] for p in points],
        "legs": legs,
        "tip": route_tooltip(line),
    }


def locations(view: DayView) -> dict[OrderId, Location]:
    """Where every order of the day is delivered (its customer's location)."""
    return {line.order.id: line.customer.location for line in view.lines}


def _order(
    line: OrderLine,
    placed: Mapping[OrderId, VehicleId],
    colors: Mapping[VehicleId, str],
) -> Feature:
    vehicle_id = placed.get(line.order.id)
    color = colors.get(vehicle_id) if vehicle_id is not None else None
    return order_feature(line, vehicle_id, color)


def placements(view: DayView) -> dict[OrderId, VehicleId]:
    """The vehicle of every order on a route."""
    return {oid: r.vehicle.id for r in view.routes for oid in r.route.order_ids}


def shown_lines(view: DayView) -> dict[OrderId, OrderLine]:
    """Orders the map shows: every order on a route and open orders on none."""
    placed = placements(view)
    return {
        line.order.id: line
        for line in view.lines
        if line.order.id in placed or line.order.status in OPEN_ORDER_STATUSES
    }


def legend(view: DayView, colors: Mapping[VehicleId, str]) -> Feature:
    """Legend rows (routes with stops, by vehicle name) and the unassigned count."""
    placed = placements(view)
    return {
        "routes": [
            {
                "vehicle": int(r.vehicle.id),
                "name": r.vehicle.name,
                "color": colors[r.vehicle.id],
                "stops": len(r.route.stops),
            }
            for r in view.routes
            if r.route.stops
        ],
        "unassigned": sum(1 for oid in shown_lines(view) if oid not in placed),
    }


def day_state(view: DayView, fleet: Fleet) -> Feature:
    """Everything the map draws for one day."""
    colors = fleet.colors(view)
    placed = placements(view)
    places = locations(view)
    orders = [_order(line, placed, colors) for line in shown_lines(view).values()]
    return {
        "date": view.date.isoformat(),
        "depots": [depot_feature(d) for d in fleet.depots.values()],
        "routes": [
            route_feature(r, fleet.depots, places, colors[r.vehicle.id])
            for r in view.routes
        ],
        "orders": orders,
        "legend": legend(view, colors),
    }


def changed_state(
    old: DayView,
    new: DayView,
    vehicles: Iterable[VehicleId],
    orders: Iterable[OrderId],
    fleet: Fleet,
) -> Feature:
    """Only what an edit touched: the given vehicles' routes and the affected orders.

    Orders are affected when named in ``orders`` or when they sit (before or
    after) on a changed route, since their stop numbers and ETAs moved. Orders
    no longer shown and routes that lost their last stop are listed for removal.
    """
    changed_vehicles = frozenset(vehicles)
    affected: set[OrderId] = set(orders)
    for view in (old, new):
        for r in view.routes:
            if r.vehicle.id in changed_vehicles:
                affected.update(r.route.order_ids)
    colors = fleet.colors(new)
    placed = placements(new)
    lines = shown_lines(new)
    routes_now = {r.vehicle.id: r for r in new.routes}
    places = locations(new)
    routes: list[Feature] = []
    for vid in sorted(changed_vehicles):
        line = routes_now.get(vid)
        if line is not None:
            routes.append(route_feature(line, fleet.depots, places, colors[vid]))
        else:
            routes.append({"vehicle": int(vid), "path": [], "stops": 0})
    return {
        "routes": routes,
        "orders": [
            _order(lines[oid], placed, colors)
            for oid in sorted(affected)
            if oid in lines
        ],
        "removedOrders": sorted(int(oid) for oid in affected if oid not in lines),
        "legend": legend(new, colors),
    }
