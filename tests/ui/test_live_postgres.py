"""Live sync against the real PostgreSQL server: NOTIFY across processes, lost backends.

A subprocess (``tests.live_editor``) commits plan edits through the services as
another user; the window in this process must show them through its LISTEN
connection. Terminating the window's backends on the server must raise the
banner, reconnect, and lose nothing committed meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from db.database import open_database
from dispatcher.model import Plan, Route, RouteId, Stop, StopId
from dispatcher.ports import NEW_ID
from tests import builders as b
from tests.integration import seed
from tests.integration.conftest import (  # pg_schema_url is a fixture
    pg_admin_url,
    pg_schema_url,  # noqa: F401
)
from tests.live_editor import Editor
from tests.tcp_proxy import TcpProxy
from ui.app import build_main_window

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot

    from db.database import Database
    from ui.main_window import MainWindow

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_database(pg_schema_url: str) -> Iterator[Database]:  # noqa: F811
    """A fresh schema: two vans, 5 orders on ``b.DAY``, 2 of them on Van 1."""
    database = open_database(pg_schema_url, actor="tester")
    with database.uow_factory() as uow:
        van, _ = seed.fleet(uow, vehicles=2)
        _, orders = seed.orders(uow, 5)
        stops = tuple(
            Stop(StopId(NEW_ID), order.id, seq)
            for seq, order in enumerate(orders[:2], 1)
        )
        uow.plans.save(Plan(b.DAY, (Route(RouteId(NEW_ID), b.DAY, van.id, stops),)))
        uow.commit()
    yield database
    database.dispose()


@pytest.fixture
def window(qtbot: QtBot, pg_database: Database, settings: QSettings) -> MainWindow:
    """A live main window on the schema, showing ``b.DAY``."""
    main = build_main_window(pg_database, settings=settings, with_map=False, live=True)
    qtbot.addWidget(main)
    assert main.show_day(b.DAY)
    assert main.live is not None
    qtbot.waitUntil(lambda: main.live.source.listening, timeout=5000)
    return main


@pytest.fixture
def editor(pg_schema_url: str, window: MainWindow) -> Iterator[Editor]:  # noqa: F811
    """anna, editing the same day from another process."""
    process = Editor(pg_schema_url, b.DAY)
    yield process
    process.close()


def vehicle_of(window: MainWindow, order: int) -> int | None:
    """The vehicle the window shows ``order`` on."""
    found = window.document.vehicles_of([order])  # type: ignore[list-item]
    return found[order]  # type: ignore[index]


def test_notify_from_another_process_reaches_the_window(
    qtbot: QtBot, window: MainWindow, editor: Editor
) -> None:
    """anna's commit in another process shows here, named in the status bar."""
    view = window.document.view
    order = view.lines[4].order.id
    van2 = max(view.vehicles)
    with qtbot.waitSignal(window.document.sig_remote_applied, timeout=5000) as applied:
        editor.move(order, van2)
    assert applied.args == [("anna",), False]
    assert vehicle_of(window, order) == van2
    assert "anna" in window.statusBar().currentMessage()


def test_terminated_backends_raise_the_banner_and_nothing_is_lost(
    qtbot: QtBot, window: MainWindow, pg_database: Database, editor: Editor
) -> None:
    """Server ends our connections: banner, reconnect, and anna's edit still shows."""
    assert window.live is not None
    listener = window.live.source.listener_pid()  # type: ignore[attr-defined]
    with pg_database.engine.connect() as connection:
        pooled = connection.scalar(text("SELECT pg_backend_pid()"))
    view = window.document.view
    order, van2 = view.lines[3].order.id, max(view.vehicles)
    banners: list[tuple[bool, str]] = []
    window.live.sig_connection_changed.connect(
        lambda connected, _why: banners.append((connected, window.banner.text()))
    )
    admin = create_engine(pg_admin_url(), poolclass=NullPool)
    with admin.connect() as connection:
        for pid in (listener, pooled):
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    editor.move(order, van2)  # committed while this window may be cut off
    qtbot.waitUntil(lambda: len(banners) == 2, timeout=10000)
    (lost, lost_text), (back, back_text) = banners
    assert (lost, back) == (False, True)
    assert "No connection to the database" in lost_text
    assert "Connected again" in back_text
    qtbot.waitUntil(lambda: vehicle_of(window, order) == van2, timeout=10000)
    assert window.live.source.listener_pid() not in (None, listener)  # type: ignore[attr-defined]
    # The pool's dead connection is replaced on checkout: the next edit is saved.
    window.document.request_move([view.lines[2].order.id], van2)
    assert window.document.undo_stack.count() == 1


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    """A cuttable path to the test server."""
    url = make_url(pg_admin_url())
    opened = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield opened
    opened.close()


def test_an_unreachable_server_shows_the_banner_and_refuses_edits(
    qtbot: QtBot,
    pg_database: Database,
    pg_schema_url: str,  # noqa: F811
    proxy: TcpProxy,
    settings: QSettings,
) -> None:
    """Cut off: banner up, an edit says it was not saved and is not; back: it works."""
    via_proxy = make_url(pg_schema_url).set(host="127.0.0.1", port=proxy.port)
    database = open_database(
        via_proxy.render_as_string(hide_password=False), actor="tester"
    )
    window = build_main_window(database, settings=settings, with_map=False, live=True)
    qtbot.addWidget(window)
    try:
        assert window.show_day(b.DAY)
        assert window.live is not None
        qtbot.waitUntil(lambda: window.live.source.listening, timeout=5000)
        view = window.document.view
        order, van2 = view.lines[3].order.id, max(view.vehicles)
        with qtbot.waitSignal(
            window.live.sig_connection_changed, timeout=10000
        ) as lost:
            proxy.cut()
        assert lost.args[0] is False
        assert window.banner.isVisibleTo(window)
        assert "No connection to the database" in window.banner.text()
        with qtbot.waitSignal(window.document.sig_error) as error:
            window.document.request_move([order], van2)
        assert "was not saved: there is no connection" in error.args[0]
        assert window.document.undo_stack.count() == 0
        with pg_database.uow_factory() as uow:  # the server itself, not the proxy
            assert uow.plans.get(b.DAY).version == view.plan_version
        with qtbot.waitSignal(
            window.live.sig_connection_changed, timeout=15000
        ) as back:
            proxy.restore()
        assert back.args == [True, ""]
        assert "Connected again" in window.banner.text()
        window.document.request_move([order], van2)
        assert window.document.undo_stack.count() == 1
        assert vehicle_of(window, order) == van2
    finally:
        window.close()
        database.dispose()
