"""Reproducible randomness: named random streams and a few sampling helpers.

Each part of the generator draws from its own stream, seeded by the demo seed
plus a name (``stream(seed, "orders", day)``), so changing how much one part
draws never shifts the numbers of another. String seeds are hashed with SHA-512
by ``random``, so streams do not depend on ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Sequence

T = TypeVar("T")


def stream(seed: int, *names: object) -> random.Random:
    """An independent random stream for the part of the generator named ``names``."""
    return random.Random(":".join(str(part) for part in (seed, *names)))


def pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    """One item of ``(item, weight)`` pairs, chosen with probability ~ weight."""
    total = sum(weight for _, weight in weighted)
    point = rng.random() * total
    for item, weight in weighted:
        point -= weight
        if point < 0:
            return item
    return weighted[-1][0]


def bounded_gauss(
    rng: random.Random, mu: float, sigma: float, low: float, high: float
) -> float:
    """A normal draw clamped to ``[low, high]``."""
    return min(high, max(low, rng.gauss(mu, sigma)))


def lognormal_factor(rng: random.Random, sigma: float, mu: float = 0.0) -> float:
    """A positive multiplicative noise factor with median ``exp(mu)``."""
    return math.exp(rng.gauss(mu, sigma))


def weighted_sample(rng: random.Random, weights: Sequence[float], k: int) -> list[int]:
    """``k`` distinct indices drawn with probability ~ weight (Efraimidis–Spirakis).

    When ``k`` exceeds the number of items, every item is taken once and the
    rest is drawn with replacement.
    """
    keys = sorted(
        ((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0),
        reverse=True,
    )
    chosen = [i for _, i in keys[:k]]
    if k > len(chosen) and chosen:
        population = [i for _, i in keys]
        chosen += rng.choices(
            population, [weights[i] for i in population], k=k - len(chosen)
        )
    return chosen
