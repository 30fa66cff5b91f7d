"""Realistic demo data: a B2B delivery business in Greater Lyon.

``generate(DemoConfig(date=...))`` builds a pure, deterministic data set (fleet,
customers, weeks of executed history, today's planned routes, tomorrow's open
orders); ``load_dataset(uow_factory, dataset)`` writes it through the storage
ports. Nothing here imports Qt or SQLAlchemy.
"""

from __future__ import annotations

from dispatcher.demo.config import DemoConfig, default_vehicle_count
from dispatcher.demo.dataset import DemoDataset
from dispatcher.demo.generator import generate
from dispatcher.demo.loader import DatabaseNotEmpty, DemoSummary, load_dataset

__all__ = [
    "DatabaseNotEmpty",
    "DemoConfig",
    "DemoDataset",
    "DemoSummary",
    "default_vehicle_count",
    "generate",
    "load_dataset",
]
