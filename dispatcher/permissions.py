"""Who may do what: the role matrix every mutating service checks.

Services call ``require`` inside their unit of work, before they write, so a
refused action writes nothing, whichever screen or script asked for it.

======================  =====  ==========  =======  =====
Action                  admin  dispatcher  manager  staff
======================  =====  ==========  =======  =====
VIEW                    yes    yes         yes      yes
EDIT_PLAN               yes    yes         --       --
ASSIGN                  yes    yes         --       yes [1]
OPTIMIZE                yes    yes         --       --
DISPATCH                yes    yes         --       --
EDIT_ORDER              yes    yes         --       yes
REBOOK                  yes    yes         --       yes
MOVE_CUSTOMER           yes    yes         --       --
MANAGE_USERS            yes    --          --       --
======================  =====  ==========  =======  =====

[1] Staff may put unassigned orders on a route (and take orders off one) while
the day is not dispatched yet; re-planning a dispatched day (``dispatched``
True) is left to dispatchers and admins. ``EDIT_PLAN`` is every other plan
edit: moving stops between routes, reordering, locking, undoing a re-plan.
Managers read everything and change nothing.

Who is signed in: ``uow.actor`` names a login of the users table. A login the
table does not know is refused, except in a database without any user yet (it
is being set up: whoever opens it is its admin) and where the unit of work
says newcomers get a role (``UnitOfWork.newcomer_role``: the SQLite file of a
single user, see ``db.database.signed_in_login``). Such a login acts with that
role without being written to the users table; an admin may add it with
another role.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from dispatcher.errors import PermissionDenied
from dispatcher.model import Role, User, UserId
from dispatcher.ports import NEW_ID

if TYPE_CHECKING:
    from dispatcher.ports import UnitOfWork


class Action(StrEnum):
    """Something a user may be allowed to do."""

    VIEW = "view"
    EDIT_PLAN = "edit_plan"
    ASSIGN = "assign"
    OPTIMIZE = "optimize"
    DISPATCH = "dispatch"
    EDIT_ORDER = "edit_order"
    REBOOK = "rebook"
    MOVE_CUSTOMER = "move_customer"
    MANAGE_USERS = "manage_users"


_PLANNING = frozenset(Action) - {Action.MANAGE_USERS}

_MATRIX: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.DISPATCHER: _PLANNING,
    Role.MANAGER: frozenset({Action.VIEW}),
    Role.STAFF: frozenset(
        {Action.VIEW, Action.ASSIGN, Action.EDIT_ORDER, Action.REBOOK}
    ),
}

_WHEN_DISPATCHED: dict[Role, frozenset[Action]] = {
    Role.STAFF: frozenset({Action.ASSIGN}),
}
"""Actions a role may take only while the day is not dispatched."""

_WORDS: dict[Action, str] = {
    Action.VIEW: "look at plans",
    Action.EDIT_PLAN: "change routes",
    Action.ASSIGN: "assign orders to routes",
    Action.OPTIMIZE: "save an optimized plan",
    Action.DISPATCH: "dispatch routes",
    Action.EDIT_ORDER: "edit orders",
    Action.REBOOK: "rebook orders",
    Action.MOVE_CUSTOMER: "move customers",
    Action.MANAGE_USERS: "manage users",
}


def allowed(role: Role, action: Action, *, dispatched: bool = False) -> bool:
    """True if ``role`` may take ``action`` (on a dispatched day if ``dispatched``)."""
    if action not in _MATRIX[role]:
        return False
    return not (dispatched and action in _WHEN_DISPATCHED.get(role, frozenset()))


def describe(action: Action) -> str:
    """The action in words, as in "may not <words>"."""
    return _WORDS[action]


def require(
    user: User, action: Action, *, dispatched: bool = False, what: str = ""
) -> None:
    """Refuse ``action`` unless ``user``'s role allows it.

    Parameters
    ----------
    what
        Where the action was refused ("on 2026-03-03"), for the message.

    Raises
    ------
    PermissionDenied
        Naming the user, the role and what was refused.
    """
    if allowed(user.role, action, dispatched=dispatched):
        return
    target = f" {what}" if what else ""
    when = " of a dispatched day" if dispatched and allowed(user.role, action) else ""
    who = "a dispatcher or an admin" if allowed(Role.DISPATCHER, action) else "an admin"
    raise PermissionDenied(
        f"{user.login} is signed in as {user.role.value} and may not "
        f"{describe(action)}{target}{when}; ask {who}."
    )


def acting_user(uow: UnitOfWork) -> User:
    """The user ``uow.actor`` names (a newcomer is not stored; its id is 0).

    Raises
    ------
    PermissionDenied
        If the login is unknown (and may not be added) or deactivated.
    """
    user = uow.users.by_login(uow.actor)
    if user is None:
        role = uow.newcomer_role
        if role is None and not uow.users.list():
            role = Role.ADMIN
        if role is None:
            raise PermissionDenied(
                f"{uow.actor} is not a user of this database; ask an admin to add "
                "this login with a role."
            )
        return User(UserId(NEW_ID), uow.actor, uow.actor, role)
    if not user.active:
        raise PermissionDenied(
            f"{user.login} is deactivated in this database; ask an admin to "
            "activate the login."
        )
    return user


def check(
    uow: UnitOfWork, action: Action, *, dispatched: bool = False, what: str = ""
) -> User:
    """``require`` for the user acting in ``uow``; returns that user."""
    user = acting_user(uow)
    require(user, action, dispatched=dispatched, what=what)
    return user
