"""Another dispatcher in another process: makes plan edits when told to.

``python -m tests.live_editor URL DAY [LOGIN]`` reads lines from stdin, each
``ORDER_ID VEHICLE_ID`` (vehicle ``-`` unassigns), moves that order through
the plan-edit service as ``LOGIN`` (``anna`` by default), and answers one
line per edit: the wall-clock time right after the commit returned (``time.time()``), or
``error <message>``. The live-sync tests and the latency benchmark drive it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from db.database import open_database
from dispatcher import plan_edits
from dispatcher.errors import DispatcherError
from dispatcher.model import OrderId, VehicleId

if TYPE_CHECKING:
    from collections.abc import Iterator


def serve(
    url: str, day: dt.date, lines: Iterator[str], actor: str = "anna"
) -> Iterator[str]:
    """Answer each ``ORDER_ID VEHICLE_ID`` line with the commit time or an error."""
    database = open_database(url, actor=actor)
    try:
        for line in lines:
            order, vehicle = line.split()
            with database.uow_factory() as uow:
                version = uow.plans.get(day).version
            try:
                plan_edits.move_orders(
                    database.uow_factory,
                    day,
                    version,
                    [OrderId(int(order))],
                    None if vehicle == "-" else VehicleId(int(vehicle)),
                    None,
                )
            except DispatcherError as exc:
                yield f"error {exc}"
                continue
            yield repr(time.time())
    finally:
        database.dispose()


class Editor:
    """The editor process, seen from the test: ``move`` returns the commit time."""

    def __init__(self, url: str, day: dt.date, actor: str = "anna") -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.live_editor", url, day.isoformat(), actor],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def move(self, order: int, vehicle: int | None) -> float:
        """Move ``order`` to ``vehicle`` (None: unassign) in the other process."""
        self.send(order, vehicle)
        return self.receive()

    def send(self, order: int, vehicle: int | None) -> None:
        """Ask for a move without waiting for it."""
        assert self._process.stdin is not None
        self._process.stdin.write(f"{order} {'-' if vehicle is None else vehicle}\n")
        self._process.stdin.flush()

    def receive(self) -> float:
        """The commit time of the move asked for last (waits for it)."""
        assert self._process.stdout is not None
        answer = self._process.stdout.readline().strip()
        if not answer or answer.startswith("error"):
            raise RuntimeError(f"the editor process failed: {answer or 'no answer'}")
        return float(answer)

    def close(self) -> None:
        """End the process."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
        if self._process.stdout is not None:
            self._process.stdout.close()


def main() -> None:
    """Serve stdin until it closes."""
    url, day = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
    actor = sys.argv[3] if len(sys.argv) > 3 else "anna"
    lines = (line for line in sys.stdin if line.strip())
    for answer in serve(url, day, lines, actor):
        print(answer, flush=True)


if __name__ == "__main__":
    main()
