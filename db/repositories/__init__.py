"""SQLAlchemy implementations of the repository Protocols of ``dispatcher.ports``.

Every repository works inside the session of one unit of work and returns
frozen domain values built before the session closes, so nothing lazy ever
leaves ``db``. Reads are a few set-based SELECTs (a plan of 2,000 stops is
three queries); writes are bulk INSERT ... RETURNING and executemany UPDATEs,
never one round trip per object.

One module per aggregate; ``base`` holds the shared plumbing.
"""

from db.repositories.changes import SqlChangeRepository
from db.repositories.customers import SqlCustomerRepository
from db.repositories.fleet import SqlFleetRepository
from db.repositories.orders import SqlOrderRepository
from db.repositories.outcomes import SqlOutcomeRepository
from db.repositories.plans import SqlPlanRepository
from db.repositories.users import SqlUserRepository

__all__ = [
    "SqlChangeRepository",
    "SqlCustomerRepository",
    "SqlFleetRepository",
    "SqlOrderRepository",
    "SqlOutcomeRepository",
    "SqlPlanRepository",
    "SqlUserRepository",
]
