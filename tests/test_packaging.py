"""Packaging rules read from pyproject.toml, and the shape of the repository.

These guard what a fresh ``pip install -e .`` gets: the PySide6 pin that keeps
CPython 3.11 from crashing, a lower bound on every dependency, the console
script, and a top level that holds only the agreed entries.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]

ALLOWED_TOP_LEVEL = {
    "pyproject.toml",
    "README.md",
    ".ci",
    "dispatcher",
    "db",
    "ui",
    "resources",
    "tests",
}
"""What may stand at the top of the repository, besides dotfiles."""


def _requirements(*, with_test: bool) -> list[Requirement]:
    """The project's requirements, optionally with the ``test`` extra."""
    lines = list(PROJECT["dependencies"])
    if with_test:
        lines += PROJECT["optional-dependencies"]["test"]
    return [Requirement(line) for line in lines]


def _applies(requirement: Requirement, python: str) -> bool:
    """Whether a requirement's environment marker holds on Python ``python``."""
    marker = requirement.marker
    return marker is None or marker.evaluate(
        {"python_version": python, "python_full_version": f"{python}.0"}
    )


def _pyside6_for(python: str) -> Requirement:
    """The single PySide6 requirement that applies on Python ``python``."""
    matching = [
        r
        for r in _requirements(with_test=False)
        if r.name.lower() == "pyside6" and _applies(r, python)
    ]
    assert len(matching) == 1, f"{len(matching)} PySide6 requirements on {python}"
    return matching[0]


def test_pyside6_is_held_below_6_12_on_python_3_11() -> None:
    """PySide6 6.12 crashes CPython 3.11 (None refcount), so 3.11 must stay on 6.11."""
    specifier = _pyside6_for("3.11").specifier
    assert not specifier.contains("6.12.0")
    assert not specifier.contains("6.13.1")
    assert specifier.contains("6.11.3")


@pytest.mark.parametrize("python", ["3.12", "3.13", "3.14"])
def test_pyside6_is_not_capped_on_newer_python(python: str) -> None:
    """CPython 3.12+ is immune to the refcount bug and may take any newer PySide6."""
    specifier = _pyside6_for(python).specifier
    assert specifier.contains("6.12.0")
    assert specifier.contains("7.0.0")


def test_every_dependency_has_a_lower_bound() -> None:
    """A fresh install must never pick a release too old for the code."""
    unbounded = [
        str(r)
        for r in _requirements(with_test=True)
        if not any(s.operator in {">=", "~=", "=="} for s in r.specifier)
    ]
    assert unbounded == []


def test_installed_distributions_satisfy_the_requirements() -> None:
    """The environment running the tests is the one pyproject.toml describes."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    wrong = []
    for requirement in _requirements(with_test=True):
        if not _applies(requirement, python):
            continue
        installed = importlib.metadata.version(requirement.name)
        if not requirement.specifier.contains(Version(installed), prereleases=True):
            wrong.append(
                f"{requirement.name} {installed} (wants {requirement.specifier})"
            )
    assert wrong == []


def test_python_requirement_admits_this_interpreter_and_3_11() -> None:
    """The app supports CPython 3.11 and newer."""
    requirement = Requirement(f"python{PROJECT['requires-python']}")
    assert requirement.specifier.contains("3.11.0")
    assert requirement.specifier.contains(".".join(map(str, sys.version_info[:3])))
    assert not requirement.specifier.contains("3.10.14")


def test_console_script_runs_the_cli_main() -> None:
    """``dispatcher`` resolves to a callable, in pyproject and in the metadata."""
    target = PROJECT["scripts"]["dispatcher"]
    module_name, _, attribute = target.partition(":")
    assert callable(getattr(importlib.import_module(module_name), attribute))
    installed = importlib.metadata.entry_points(
        group="console_scripts", name="dispatcher"
    )
    assert [ep.value for ep in installed] == [target]


def test_declared_package_data_exists() -> None:
    """Every package-data pattern in pyproject.toml matches at least one file."""
    package_data = PYPROJECT["tool"]["setuptools"].get("package-data", {})
    missing = [
        f"{package}/{pattern}"
        for package, patterns in package_data.items()
        for pattern in patterns
        if not any((ROOT / package.replace(".", "/")).glob(pattern))
    ]
    assert missing == []


def _top_level_entries() -> set[str]:
    """First path parts of tracked and untracked-but-not-ignored files."""
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot tell build output from content")
    listed = subprocess.run(
        [git, "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {path.split("/", 1)[0] for path in listed.split("\0") if path}


def test_top_level_holds_only_the_agreed_entries() -> None:
    """The repository root stays as agreed: code, tests, resources, README, CI."""
    unexpected = {
        name
        for name in _top_level_entries()
        if name not in ALLOWED_TOP_LEVEL and not name.startswith(".")
    }
    assert unexpected == set()
