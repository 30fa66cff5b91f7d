"""The layering rules and the README's promises, checked as tests.

The import-linter contracts in pyproject.toml keep Qt and SQLAlchemy out of the
core; here they run against the real code and against a small planted tree
that breaks each rule once, so a contract that is too loose fails too. The
README tests make sure its first two commands are the ones CI runs and that
the CLI it documents exists.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ui.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = PYPROJECT["tool"]["importlinter"]["contracts"]

README_COMMANDS = (
    "python3 -m pip install -e . && dispatcher --demo",
    'python3 -m pip install -e ".[test]" && python3 -m pytest',
)
"""The two commands README.md must open with: run the demo, run the tests."""


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the ``lint-imports`` of this environment in ``cwd``."""
    script = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert script is not None, (
        "lint-imports is not installed (pip install -e '.[test]')"
    )
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [script, "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_hold() -> None:
    """The real code keeps every import-linter contract in pyproject.toml."""
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CONTRACTS)} kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("dispatcher", {"PySide6", "sqlalchemy", "folium", "db", "ui"}),
        ("db", {"PySide6", "ui"}),
        ("ui", {"sqlalchemy", "db"}),
    ],
)
def test_layer_contracts_forbid_what_style_forbids(
    source: str, forbidden: set[str]
) -> None:
    """Nobody can weaken a layer rule in pyproject.toml without this failing."""
    covered = set().union(
        *(
            c["forbidden_modules"]
            for c in CONTRACTS
            if c["type"] == "forbidden" and c["source_modules"] == [source]
        )
    )
    assert forbidden <= covered


PLANTED_TREE = {
    "dispatcher/__init__.py": "",
    "dispatcher/model.py": "",
    "dispatcher/leaky.py": "import PySide6.QtCore\n",
    "dispatcher/optimize/__init__.py": "",
    "dispatcher/optimize/ortools_backend.py": "import ortools.constraint_solver\n",
    "db/__init__.py": "import sqlalchemy\nimport dispatcher.model\n",
    "db/engine.py": "import sqlalchemy\n",
    "db/leaky.py": "import ui\n",
    "ui/__init__.py": "",
    "ui/app.py": "import db.engine\nimport PySide6.QtWidgets\n",
    "ui/cli/__init__.py": "import db\n",
    "ui/cli/db_commands.py": "from db import engine\n",
    "ui/views.py": "import db.engine\n",
    "ui/solver_view.py": "import ortools.sat\n",
}
"""A tiny copy of the layout: allowed imports plus one breach per contract."""

BREACHES = {
    "dispatcher.leaky",
    "db.leaky",
    "ui.views",
    "ui.solver_view",
}
"""The planted modules that break a rule; nothing else may be reported."""


def test_contracts_catch_a_breach_of_every_rule(tmp_path: Path) -> None:
    """Each contract breaks on its planted breach, and the exemptions stay narrow."""
    for relative, text in PLANTED_TREE.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    result = _lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"0 kept, {len(CONTRACTS)} broken" in result.stdout, result.stdout
    reported = set(re.findall(r"^-\s+(\S+) -> ", result.stdout, flags=re.MULTILINE))
    assert reported == BREACHES


def _readme_code_lines() -> list[str]:
    """Non-empty lines inside fenced code blocks of README.md, in order."""
    lines, inside = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside and line.strip():
            lines.append(line)
    return lines


def test_readme_opens_with_the_two_commands() -> None:
    """README's first content after the title is the demo command, then the tests."""
    title, _, rest = README.read_text(encoding="utf-8").partition("\n")
    assert title.startswith("# ")
    assert rest.lstrip().startswith("```")
    assert tuple(_readme_code_lines()[:2]) == README_COMMANDS


def test_ci_runs_the_readme_commands() -> None:
    """.ci/run reads the same two commands from README.md as a reader sees."""
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    assert "set -euo pipefail" in script.read_text(encoding="utf-8")
    printed = subprocess.run(
        ["bash", str(script), "--print-readme-commands"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert printed.splitlines() == _readme_code_lines()[:2]


def test_readme_demo_command_uses_the_console_script() -> None:
    """The first command calls the installed script with options the CLI accepts."""
    words = README_COMMANDS[0].split(" && ")[1].split()
    assert words[0] in PYPROJECT["project"]["scripts"]
    assert build_parser().parse_args(words[1:]).demo is True


def _readme_cli_rows() -> list[list[str]]:
    """Words before the first option or placeholder of each ``dispatcher`` row."""
    rows = []
    text = README.read_text(encoding="utf-8")
    for match in re.finditer(r"^\| `dispatcher([^`]*)`", text, re.MULTILINE):
        words = []
        for word in match.group(1).split():
            if word.startswith("-") or word.isupper() or word.startswith("["):
                break
            words.append(word)
        rows.append(words)
    return rows


def test_readme_documents_only_commands_that_exist() -> None:
    """Every sub-command in README's command table is one the CLI knows."""
    rows = _readme_cli_rows()
    assert rows, "README has no command table"
    for words in rows:
        with pytest.raises(SystemExit) as exit_info:
            build_parser().parse_args([*words, "--help"])
        assert exit_info.value.code == 0, words
