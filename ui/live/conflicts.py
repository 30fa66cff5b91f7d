"""What to tell the user when an edit lost a race with someone else's save.

The message says what was not saved and, when the conflict carries the other
person's change rows (``ConcurrencyConflict.theirs``), what they changed, in
the words of the audit trail (``dispatcher.audit``) with the vehicle names and
order references of the open day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatcher.audit import MAX_LISTED, Names, describe

if TYPE_CHECKING:
    from dispatcher.day_view import DayView
    from dispatcher.errors import ConcurrencyConflict


def names_of(view: DayView) -> Names:
    """The vehicle names and order references a day view knows."""
    return Names(
        {vid: vehicle.name for vid, vehicle in view.vehicles.items()},
        {line.order.id: line.order.reference for line in view.lines},
    )


def their_changes(error: ConcurrencyConflict, view: DayView) -> str:
    """The other person's changes in words ('' when the conflict does not say)."""
    theirs = tuple(getattr(error, "theirs", ()) or ())
    if not theirs:
        return ""
    names = names_of(view)
    listed = [describe(c, names).sentence() for c in theirs[-MAX_LISTED:]]
    more = len(theirs) - len(listed)
    text = "; ".join(listed)
    return f"{text}; and {more} more" if more else text


def conflict_message(
    error: ConcurrencyConflict, view: DayView, subject: str, outcome: str
) -> str:
    """'<subject> was changed by someone else, so <outcome>[: their changes]; …'.

    Parameters
    ----------
    error
        The conflict the service raised.
    view
        The day shown when the edit was tried (for names).
    subject
        What changed under the user: "The plan of Tue 24 Nov", "ORD-12".
    outcome
        What did not happen: "“Move ORD-3 to Van 2” was not applied".
    """
    details = their_changes(error, view)
    if not details:
        return (
            f"{subject} was changed by someone else, so {outcome}; the day has "
            "been reloaded, make your change again."
        )
    return (
        f"{subject} was changed by someone else, so {outcome}: {details}. The day "
        "has been reloaded with their changes; make your change again if it is "
        "still needed."
    )
