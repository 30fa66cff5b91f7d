"""What the signed-in role may change on the day shown, as the views ask it.

The services refuse what a role may not do (``dispatcher.permissions``); the
views use ``EditRights`` to offer only what will be accepted: a drag that would
be refused is not started or not taken, a button that would be refused is
disabled with a tooltip saying why. The rule is ``permissions.allowed`` for the
role and whether the day shown is dispatched; this module keeps no matrix of
its own, only which ``Action`` a gesture needs (``move_action``, the same split
as the plan edit services make).
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatcher.model import Role
from dispatcher.permissions import Action, allowed, describe

CHANGES = (
    Action.EDIT_PLAN,
    Action.ASSIGN,
    Action.EDIT_ORDER,
    Action.OPTIMIZE,
    Action.DISPATCH,
    Action.MOVE_CUSTOMER,
)
"""The actions of the window that change something (a role with none reads only)."""

_ROLE_NAMES = {
    Role.ADMIN: "Admin",
    Role.DISPATCHER: "Dispatcher",
    Role.MANAGER: "Manager",
    Role.STAFF: "Staff",
}


def move_action(*, unplanned: bool, to_route: bool) -> Action:
    """The action moving orders needs.

    Putting orders that are on no route onto one (``unplanned`` and
    ``to_route``) and taking orders off their routes (not ``to_route``) is
    ``ASSIGN``; moving planned stops onto a route (reordering, or to another
    route) is ``EDIT_PLAN``.
    """
    return Action.ASSIGN if unplanned or not to_route else Action.EDIT_PLAN


@dataclass(frozen=True, slots=True)
class EditRights:
    """The signed-in role and whether the day shown is dispatched.

    The default (an admin on a day not dispatched) may do everything.
    """

    role: Role = Role.ADMIN
    dispatched: bool = False

    def may(self, action: Action) -> bool:
        """True if the role may take ``action`` on the day shown."""
        return allowed(self.role, action, dispatched=self.dispatched)

    def may_move(self, *, unplanned: bool, to_route: bool) -> bool:
        """True if the role may move orders so (see ``move_action``)."""
        return self.may(move_action(unplanned=unplanned, to_route=to_route))

    @property
    def may_move_any(self) -> bool:
        """True if some move of orders is allowed (so cards may be dragged)."""
        return self.may(Action.ASSIGN) or self.may(Action.EDIT_PLAN)

    @property
    def read_only(self) -> bool:
        """True if the role may change nothing on any day (a manager)."""
        return not any(allowed(self.role, action) for action in CHANGES)

    def refusal(self, action: Action) -> str:
        """Why ``action`` is refused, for a disabled control's tip; "" if allowed."""
        if self.may(action):
            return ""
        when = " on a dispatched day" if allowed(self.role, action) else ""
        return f"Signed in as {self.role.value}: you may not {describe(action)}{when}."

    def hint(self) -> str:
        """A few words on what the role may change, "" when it may change the plan.

        E.g. ``Read-only: manager`` or ``Staff: assign and edit orders only``.
        """
        if self.read_only:
            return f"Read-only: {self.role.value}"
        if self.may(Action.EDIT_PLAN):
            return ""
        may = [
            word
            for action, word in ((Action.ASSIGN, "assign"), (Action.EDIT_ORDER, "edit"))
            if self.may(action)
        ]
        name = _ROLE_NAMES[self.role]
        if not may:
            return f"Read-only: {self.role.value} on a dispatched day"
        day = " (day dispatched)" if self.dispatched else ""
        return f"{name}: {' and '.join(may)} orders only{day}"

    def hint_tooltip(self) -> str:
        """What the role may and may not do, one line each, for the hint's tooltip."""
        lines = [
            f"{'✓' if self.may(action) else '✗'} {describe(action).capitalize()}"
            for action in (Action.ASSIGN, Action.EDIT_PLAN, Action.EDIT_ORDER)
        ]
        return (
            f"Signed in as {self.role.value}"
            + (" on a dispatched day" if self.dispatched else "")
            + ". The database checks every change.\n"
            + "\n".join(lines)
        )
