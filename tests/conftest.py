"""Test-wide setup: headless Qt, and the PostgreSQL marker contract.

Qt must run without a screen and QtWebEngine refuses to start as root with its
sandbox on, so both variables are set before any test imports PySide6.
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --no-sandbox")

PG_URL_VARIABLE = "DISPATCHER_TEST_PG_URL"


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Skip ``postgres`` tests without a server locally; in CI they must run."""
    if os.environ.get(PG_URL_VARIABLE):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"CI must set {PG_URL_VARIABLE} so PostgreSQL tests run"
        )
    skip = pytest.mark.skip(reason=f"{PG_URL_VARIABLE} is not set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
