"""The SQLAlchemy unit of work: one session, one transaction, every repository.

Use it as ``with uow: ...; uow.commit()``. Leaving the block without a commit
rolls back, so a service that raises half-way leaves nothing behind. Database
errors leave as ``dispatcher.errors`` types (see ``db.errors``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from db.errors import translated
from db.repositories import (
    SqlChangeRepository,
    SqlCustomerRepository,
    SqlFleetRepository,
    SqlOrderRepository,
    SqlOutcomeRepository,
    SqlPlanRepository,
    SqlUserRepository,
)

if TYPE_CHECKING:
    from types import TracebackType

    from sqlalchemy.orm import Session, sessionmaker

    from dispatcher.model import Role
    from dispatcher.ports import (
        ChangeRepository,
        CustomerRepository,
        FleetRepository,
        OrderRepository,
        OutcomeRepository,
        PlanRepository,
        UserRepository,
    )


class SqlAlchemyUnitOfWork:
    """``dispatcher.ports.UnitOfWork`` over one SQLAlchemy session.

    Parameters
    ----------
    session_factory
        Makes the session (one per ``with`` block).
    actor
        Login of whoever acts; services stamp it on change rows.
    newcomer_role
        Role given on first use to an ``actor`` the users table does not know
        (None refuses such a login once the table has users).
    """

    # Annotated with the ports so mypy checks each repository against its Protocol.
    fleet: FleetRepository
    customers: CustomerRepository
    orders: OrderRepository
    plans: PlanRepository
    outcomes: OutcomeRepository
    changes: ChangeRepository
    users: UserRepository

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        actor: str,
        newcomer_role: Role | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None
        self.actor = actor
        self.newcomer_role = newcomer_role

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("a unit of work cannot be entered twice; make a new one")
        session = self._session_factory()
        self._session = session
        self.fleet = SqlFleetRepository(session)
        self.customers = SqlCustomerRepository(session)
        self.orders = SqlOrderRepository(session)
        self.plans = SqlPlanRepository(session)
        self.outcomes = SqlOutcomeRepository(session)
        self.changes = SqlChangeRepository(session)
        self.users = SqlUserRepository(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self._session
        self._session = None
        if session is None:
            return
        try:
            # Rolling back after a commit is a no-op; without one it discards
            # everything the block did.
            with translated():
                session.rollback()
        finally:
            session.close()

    def commit(self) -> None:
        """Make everything done in this unit durable."""
        with translated():
            self._require_session().commit()

    def rollback(self) -> None:
        """Discard everything done since the last commit."""
        with translated():
            self._require_session().rollback()

    def _require_session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside a 'with' block")
        return self._session
