"""Use cases: each opens one unit of work, applies pure rules, records the change.

Services are plain functions taking a ``UnitOfWorkFactory`` first. They validate
before they write, write in one transaction, append a ``Change`` row for every
mutation (the audit trail and the change feed), and return domain values.
Each checks first that the signed-in user's role allows it
(``dispatcher.permissions``), so a refused call writes nothing.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from dispatcher.change_log import record_change
from dispatcher.conflicts import order_conflict
from dispatcher.errors import ConcurrencyConflict, ValidationError
from dispatcher.model import ChangeAction, Role, User, UserId
from dispatcher.permissions import Action, acting_user, check
from dispatcher.ports import NEW_ID
from dispatcher.validation import validate_order

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dispatcher.model import Customer, CustomerId, Location, Order
    from dispatcher.ports import UnitOfWork, UnitOfWorkFactory


def create_orders(
    uow_factory: UnitOfWorkFactory, orders: Sequence[Order]
) -> list[Order]:
    """Store new orders, all or nothing.

    Raises
    ------
    ValidationError
        Naming the 1-based position (``row``) and field of the first bad order;
        nothing is stored then.
    PermissionDenied
        If the signed-in user may not edit orders.
    """
    with uow_factory() as uow:
        check(uow, Action.EDIT_ORDER)
        customers = {
            c.id: c for c in uow.customers.list({o.customer_id for o in orders})
        }
        for row, order in enumerate(orders, start=1):
            customer = customers.get(order.customer_id)
            if customer is None:
                raise ValidationError(
                    f"customer {order.customer_id} does not exist",
                    field="customer",
                    row=row,
                )
            try:
                validate_order(order, customer)
            except ValidationError as exc:
                raise ValidationError(exc.message, field=exc.field, row=row) from None
        stored = uow.orders.add_many(orders)
        for order in stored:
            record_change(
                uow,
                "order",
                order.id,
                ChangeAction.CREATE,
                after=order,
                plan_date=order.date,
            )
        uow.commit()
    return stored


def update_order(uow_factory: UnitOfWorkFactory, order: Order) -> Order:
    """Save an edited order read at ``order.version``.

    Raises
    ------
    ValidationError
        If the edited order breaks a rule; nothing is saved.
    ConcurrencyConflict
        If someone else saved the order since it was read; names who changed
        what (``theirs`` holds their change rows).
    PermissionDenied
        If the signed-in user may not edit orders.
    """
    try:
        with uow_factory() as uow:
            check(uow, Action.EDIT_ORDER)
            before = uow.orders.get(order.id)
            validate_order(order, uow.customers.get(order.customer_id))
            saved = uow.orders.update(order)
            record_change(
                uow,
                "order",
                order.id,
                ChangeAction.UPDATE,
                before=before,
                after=saved,
                plan_date=saved.date,
            )
            uow.commit()
    except ConcurrencyConflict as exc:
        if exc.theirs:
            raise
        raise order_conflict(uow_factory, order.id, order.version, str(exc)) from exc
    return saved


def signed_in_user(uow_factory: UnitOfWorkFactory) -> User:
    """Who acts through ``uow_factory``, with the role the services will check.

    Raises
    ------
    PermissionDenied
        If the login is not (or no longer) a user of the database.
    """
    with uow_factory() as uow:
        return acting_user(uow)


def ensure_user(uow_factory: UnitOfWorkFactory, login: str, role: Role) -> User:
    """The user with ``login``, created with ``role`` if unknown.

    Raises
    ------
    PermissionDenied
        If the login is unknown and the signed-in user may not manage users.
    """
    with uow_factory() as uow:
        user = uow.users.by_login(login)
        if user is None:
            check(uow, Action.MANAGE_USERS)
            user = uow.users.add(User(UserId(NEW_ID), login, login, role))
            record_change(uow, "user", user.id, ChangeAction.CREATE, after=user)
            uow.commit()
    return user


def set_user(
    uow_factory: UnitOfWorkFactory,
    login: str,
    role: Role,
    *,
    name: str | None = None,
    active: bool = True,
) -> User:
    """Add a user or change one's role, name or active flag (admins only).

    Raises
    ------
    PermissionDenied
        If the signed-in user may not manage users.
    ValidationError
        If the change would leave the database without an active admin.
    """
    with uow_factory() as uow:
        check(uow, Action.MANAGE_USERS)
        before = uow.users.by_login(login)
        if before is None:
            user = uow.users.add(
                User(UserId(NEW_ID), login, name or login, role, active)
            )
            record_change(uow, "user", user.id, ChangeAction.CREATE, after=user)
        else:
            user = dataclasses.replace(
                before, role=role, name=name or before.name, active=active
            )
            if user == before:
                return before
            _keep_an_admin(uow, user)
            uow.users.update(user)
            record_change(
                uow, "user", user.id, ChangeAction.UPDATE, before=before, after=user
            )
        uow.commit()
    return user


def _keep_an_admin(uow: UnitOfWork, changed: User) -> None:
    """Refuse a change that leaves no active admin (nobody could manage users)."""
    admins = [
        u
        for u in uow.users.list()
        if u.active and u.role is Role.ADMIN and u.id != changed.id
    ]
    if not admins and not (changed.active and changed.role is Role.ADMIN):
        raise ValidationError(
            f"{changed.login} is the last active admin; make someone else an "
            "admin first.",
            field="role",
        )


def move_customer(
    uow_factory: UnitOfWorkFactory, customer_id: CustomerId, location: Location
) -> Customer:
    """Correct where a customer is (e.g. after a pin was dragged on the map).

    Parameters
    ----------
    uow_factory
        Opens the unit of work the change is saved in.
    customer_id
        The customer to move.
    location
        The corrected position.

    Returns
    -------
    Customer
        The saved customer; its orders are timed from the new place on the next
        read of the day.

    Raises
    ------
    NotFound
        If the customer does not exist (any more).
    PermissionDenied
        If the signed-in user may not move customers.
    """
    with uow_factory() as uow:
        check(uow, Action.MOVE_CUSTOMER)
        before = uow.customers.get(customer_id)
        saved = uow.customers.update(dataclasses.replace(before, location=location))
        record_change(
            uow,
            "customer",
            customer_id,
            ChangeAction.UPDATE,
            before=before,
            after=saved,
        )
        uow.commit()
    return saved
