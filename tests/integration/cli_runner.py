"""Run the ``dispatcher`` command line in-process, with chosen commands only."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import ui.cli

if TYPE_CHECKING:
    import pytest

Run = Callable[..., tuple[int, str, str]]
"""Runs ``dispatcher ARGV...``; returns (exit code, stdout, stderr)."""


def cli_runner(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *modules: str,
) -> Run:
    """A runner with only ``modules`` of ``ui.cli`` registered and no URL in the
    environment, so each test names its database."""
    monkeypatch.setattr(ui.cli, "COMMAND_MODULES", modules)
    monkeypatch.delenv("DISPATCHER_DB_URL", raising=False)

    def call(*argv: str) -> tuple[int, str, str]:
        code = ui.cli.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call
