"""Solomon reader, benchmark records and the ``dispatcher bench solomon`` command."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from dispatcher.errors import ValidationError
from dispatcher.optimize.bench import BenchRow, Known, RunResult, read_bks, summarize
from dispatcher.optimize.solomon import parse_solomon, read_solomon
from ui.cli import bench_command

DATA = Path(__file__).parents[2] / "data" / "solomon"
VRPLIB = Path(__file__).parents[2] / "data" / "vrplib"


def test_reader_builds_the_instance() -> None:
    """C101 (25 customers): 25 vans of 200, Euclidean distances, windows."""
    p = read_solomon(DATA / "C101_25.txt")
    assert p.name == "C101"
    assert len(p.jobs) == 25
    assert len(p.vehicles) == 25
    assert p.vehicles[0].spec.capacity.kg == 200
    assert p.vehicles[0].spec.shift.end == 1236
    first = p.jobs[0]
    assert (first.key, first.demand.kg, first.stop.service_min) == (1, 10, 90)
    assert (first.stop.windows[0].start, first.stop.windows[0].end) == (912, 967)
    assert p.matrix.km(0, 1) == pytest.approx((5**2 + 18**2) ** 0.5)
    assert p.objective.minimize_vehicles
    assert p.objective.distance_only


def test_reader_rejects_other_text() -> None:
    """A file that is not a Solomon instance gives one clear error."""
    with pytest.raises(ValidationError, match="not a Solomon instance"):
        parse_solomon("hello\n1 2 3\n")


def test_bks_reader_and_summary() -> None:
    """Best-known values are read by instance and gaps are averaged."""
    known = read_bks(DATA / "bks_first25.csv")
    assert known["C101"] == Known(3, 200.0)
    rows = [
        BenchRow("C101", RunResult(3, 202.0, 0, 1.0, True), None, known["C101"]),
        BenchRow("R101", RunResult(9, 600.0, 0, 1.0, True), None, known["R101"]),
    ]
    summary = summarize(rows)
    assert summary.mean_gap_pct == pytest.approx(0.5)
    assert summary.more_vehicles == 1
    assert summary.feasible == 2


def test_bench_command_prints_json_records(capsys: pytest.CaptureFixture[str]) -> None:
    """``bench solomon --json`` prints one record per instance with the agreed keys."""
    parser = argparse.ArgumentParser()
    bench_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        [
            "bench",
            "solomon",
            str(DATA / "C101_25.txt"),
            "--bks",
            str(DATA / "bks_first25.csv"),
            "--time-limit",
            "1",
            "--workers",
            "1",
            "--json",
        ]
    )
    assert args.handler(args) == 0
    (record,) = json.loads(capsys.readouterr().out)
    keys = {
        "instance",
        "vehicles",
        "distance",
        "bks_vehicles",
        "bks_distance",
        "gap_pct",
        "seconds",
        "feasible",
    }
    assert keys <= set(record)
    assert record["instance"] == "C101"
    assert record["feasible"] is True
    assert record["gap_pct"] == pytest.approx(
        100 * (record["distance"] - 200.0) / 200.0, abs=0.01
    )
    assert "baseline_distance" in record


def test_vrplib_reader_keeps_the_asymmetric_matrix() -> None:
    """A VRPLIB file with an explicit asymmetric matrix keeps both directions."""
    from dispatcher.optimize.vrplib_io import read_vrplib

    p = read_vrplib(VRPLIB / "tiny_asym.vrp")
    assert p.name == "tiny_asym"
    assert len(p.jobs) == 4
    assert len(p.vehicles) == 3
    assert (p.matrix.km(0, 4), p.matrix.km(4, 0)) == (30.0, 12.0)
    assert p.jobs[1].stop.windows[0].start == 10
    assert p.vehicles[0].spec.capacity.kg == 10


def test_bench_vrplib_solves_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    """``bench vrplib`` solves the asymmetric instance to a feasible plan."""
    parser = argparse.ArgumentParser()
    bench_command.register(parser.add_subparsers(dest="command"))
    bks = VRPLIB / "bks.csv"
    args = parser.parse_args(
        [
            "bench",
            "vrplib",
            str(VRPLIB / "tiny_asym.vrp"),
            "--bks",
            str(bks),
            "--time-limit",
            "0.5",
            "--workers",
            "1",
            "--no-baseline",
            "--json",
        ]
    )
    assert args.handler(args) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["feasible"] is True
    assert record["vehicles"] >= 2
