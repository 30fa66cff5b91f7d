"""Opening databases that cannot be used: one clear sentence, and nothing written.

Every refused SQLite case compares the folder before and after (names, bytes,
modification times), so a stray ``-wal``/``-shm`` file or a rewritten header
fails the test. The tests run as root, for whom ``chmod`` alone does not stop
writes; Dispatcher honours the permission bits anyway, and the kernel-enforced
cases (an immutable file, a read-only mount) run where the machine allows them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from db.database import open_database
from db.engine import sqlite_url
from dispatcher.errors import (
    BadDatabaseUrl,
    DatabaseCorrupt,
    DatabaseReadOnly,
    DatabaseTooNew,
    DatabaseUnavailable,
    DispatcherError,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

FUTURE_REVISION = "ffff_from_the_future"

Snapshot = dict[str, tuple[str, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every file in ``folder`` with its content hash and modification time."""
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def refused(url: str, error: type[DispatcherError]) -> str:
    """Open ``url``, expect ``error``, and return its message after basic checks."""
    with pytest.raises(error) as raised:
        open_database(url, actor="tester")
    message = str(raised.value)
    assert "\n" not in message
    assert message.endswith(".")
    return message


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    """A Dispatcher SQLite database at head, closed (no -wal/-shm left)."""
    path = tmp_path / "good.sqlite3"
    open_database(str(path), actor="tester").dispose()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.sqlite3"]
    return path


@pytest.mark.parametrize(
    "url",
    [
        "",
        "mysql://user@host/db",
        "postgresql://user@host:notaport/db",
        "sqlite+nodriver:///x.sqlite3",
        "://nohost",
        "http://example.com/db",
    ],
)
def test_bad_url(url: str) -> None:
    """A malformed URL or an unsupported backend is a BadDatabaseUrl."""
    refused(url, BadDatabaseUrl)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://test@127.0.0.1:1/test",
        "postgres://test@no-such-host.invalid/test",
    ],
    ids=["port-nobody-listens-on", "unknown-host"],
)
def test_unreachable_server(url: str) -> None:
    """A server nobody answers for is DatabaseUnavailable, quickly."""
    started = time.monotonic()
    message = refused(url, DatabaseUnavailable)
    assert time.monotonic() - started < 10
    assert "check that the server is running" in message
    assert "://test@" in message


def test_password_is_not_shown() -> None:
    """Error messages never print the password of the URL."""
    message = refused("postgresql://test:s3cret@127.0.0.1:1/test", DatabaseUnavailable)
    assert "s3cret" not in message


def test_missing_folder(tmp_path: Path) -> None:
    """A SQLite file in a folder that does not exist is refused, nothing created."""
    message = refused(str(tmp_path / "nope" / "x.sqlite3"), BadDatabaseUrl)
    assert "does not exist" in message
    assert list(tmp_path.iterdir()) == []


def test_folder_instead_of_file(tmp_path: Path) -> None:
    """A folder given as the database file is refused."""
    refused(str(tmp_path), BadDatabaseUrl)


def test_read_only_file(good_file: Path) -> None:
    """A file without write permission is refused even for root, untouched."""
    good_file.chmod(0o444)
    before = snapshot(good_file.parent)
    message = refused(str(good_file), DatabaseReadOnly)
    assert str(good_file) in message
    assert snapshot(good_file.parent) == before


def test_read_only_folder(good_file: Path) -> None:
    """A folder where SQLite cannot create its journal is refused, untouched."""
    folder = good_file.parent
    before = snapshot(folder)
    folder.chmod(0o555)
    try:
        refused(str(good_file), DatabaseReadOnly)
        refused(str(folder / "new.sqlite3"), DatabaseReadOnly)
    finally:
        folder.chmod(0o755)
    assert snapshot(folder) == before


def test_read_only_uri(good_file: Path) -> None:
    """A URL that asks for read-only access cannot be opened for work."""
    before = snapshot(good_file.parent)
    refused(f"sqlite:///file:{good_file}?mode=ro&uri=true", DatabaseReadOnly)
    assert snapshot(good_file.parent) == before


@pytest.fixture
def immutable(good_file: Path) -> Iterator[Path]:
    """The good file with the kernel's immutable attribute (root cannot write it)."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    made = subprocess.run(
        ["chattr", "+i", str(good_file)], capture_output=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"this file system refuses chattr +i: {made.stderr!r}")
    try:
        yield good_file
    finally:
        subprocess.run(["chattr", "-i", str(good_file)], check=True)


def test_immutable_file(immutable: Path) -> None:
    """A file the kernel refuses to change, even to root, is read-only."""
    before = snapshot(immutable.parent)
    refused(str(immutable), DatabaseReadOnly)
    assert snapshot(immutable.parent) == before


NO_MOUNT = 97
"""Exit status of the mount step when this machine does not allow the mount."""

READ_ONLY_MOUNT_SCRIPT = """
import sys
import db.database as database
if sys.argv[2] == "skip-precheck":
    database._writable = lambda path: True  # reach the write probe itself
try:
    database.open_database(sys.argv[1], actor="tester")
except database.DispatcherError as exc:
    print(type(exc).__name__)
else:
    print("opened")
"""


@pytest.mark.parametrize("mode", ["precheck", "skip-precheck"])
def test_read_only_mount(good_file: Path, mode: str) -> None:
    """On a read-only mount (private mount namespace) the file is refused, untouched.

    ``skip-precheck`` disables the permission check to prove that the write
    probe alone catches it; the file is in rollback-journal mode there, since
    SQLite cannot even open a WAL file read-only without its ``-shm`` file.
    """
    folder = good_file.parent
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    if mode == "skip-precheck":
        with sqlite3.connect(good_file) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
        connection.close()
    script = (
        f'{{ mount --bind "{folder}" "{folder}" && '
        f'mount -o remount,bind,ro "{folder}" "{folder}"; }} || exit {NO_MOUNT}; '
        f'exec "{sys.executable}" -c \'{READ_ONLY_MOUNT_SCRIPT}\' "{good_file}" {mode}'
    )
    before = snapshot(folder)
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == NO_MOUNT or (done.returncode and "unshare" in done.stderr):
        pytest.skip(f"cannot make a read-only mount here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "DatabaseReadOnly"
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(8192),
        b"Name;Address\nBakery;Main Street 1\n",
        b"SQLite",
        b"\x89PNG\r\n\x1a\n" + bytes(200),
    ],
    ids=["random-bytes", "csv-text", "truncated-header", "png"],
)
def test_not_a_sqlite_file(tmp_path: Path, content: bytes) -> None:
    """Files that are not SQLite databases are DatabaseCorrupt, untouched."""
    path = tmp_path / "data.sqlite3"
    path.write_bytes(content)
    before = snapshot(tmp_path)
    message = refused(str(path), DatabaseCorrupt)
    assert str(path) in message
    assert snapshot(tmp_path) == before


def test_damaged_sqlite_file(good_file: Path) -> None:
    """A SQLite header over garbage pages is DatabaseCorrupt, untouched."""
    data = bytearray(good_file.read_bytes())
    data[100:4096] = os.urandom(3996)
    good_file.write_bytes(bytes(data))
    before = snapshot(good_file.parent)
    refused(str(good_file), DatabaseCorrupt)
    assert snapshot(good_file.parent) == before


def test_database_of_another_program(tmp_path: Path) -> None:
    """A SQLite database with foreign tables is refused, not migrated into."""
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    connection.close()
    before = snapshot(tmp_path)
    message = refused(str(path), DatabaseCorrupt)
    assert "invoices" in message
    assert snapshot(tmp_path) == before


def test_sqlite_from_a_newer_version(good_file: Path) -> None:
    """A file stamped with an unknown revision is DatabaseTooNew, untouched."""
    with sqlite3.connect(good_file) as connection:
        connection.execute(
            "UPDATE alembic_version SET version_num = ?", (FUTURE_REVISION,)
        )
    connection.close()
    assert sorted(p.name for p in good_file.parent.iterdir()) == ["good.sqlite3"]
    before = snapshot(good_file.parent)
    message = refused(str(good_file), DatabaseTooNew)
    assert FUTURE_REVISION in message
    assert snapshot(good_file.parent) == before


def test_plain_path_and_url_open_the_same_file(good_file: Path) -> None:
    """A bare path is a SQLite file, the same one its sqlite:/// URL names."""
    for url in (str(good_file), sqlite_url(good_file)):
        database = open_database(url, actor="tester")
        try:
            assert database.is_current
            assert database.url == str(good_file)
        finally:
            database.dispose()


@pytest.mark.postgres
def test_postgres_from_a_newer_version(pg_schema_url: str) -> None:
    """A PostgreSQL schema stamped with an unknown revision is refused unchanged."""
    open_database(pg_schema_url, actor="tester").dispose()
    database = open_database(pg_schema_url, actor="tester", upgrade=False)
    with database.engine.begin() as connection:
        connection.execute(
            text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE_REVISION}
        )
    database.dispose()
    refused(pg_schema_url, DatabaseTooNew)


@pytest.mark.postgres
def test_postgres_read_only(pg_schema_url: str) -> None:
    """A read-only PostgreSQL session is refused and creates no tables."""
    url = make_url(pg_schema_url)
    options = url.query["options"] + " -cdefault_transaction_read_only=on"
    read_only = url.update_query_dict({"options": options}).render_as_string(
        hide_password=False
    )
    refused(read_only, DatabaseReadOnly)
    database = open_database(pg_schema_url, actor="tester", upgrade=False)
    try:
        assert inspect(database.engine).get_table_names() == []
    finally:
        database.dispose()


@pytest.mark.postgres
def test_postgres_unknown_database(pg_schema_url: str) -> None:
    """A database name the server does not have is DatabaseUnavailable."""
    url = make_url(pg_schema_url).set(database="no_such_database_here")
    message = refused(url.render_as_string(hide_password=False), DatabaseUnavailable)
    assert "no_such_database_here" in message
