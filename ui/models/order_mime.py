"""The drag-and-drop payload of orders: a JSON list of order ids.

Every view that can drag orders (the order table, the route board) encodes them
here, and every drop target decodes them here, so a card dragged from the board
and a row dragged from the table land the same way. The payload may come from
another application, so decoding treats it as untrusted input.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QMimeData

from dispatcher.model import OrderId

if TYPE_CHECKING:
    from collections.abc import Iterable

ORDER_IDS_MIME = "application/x-dispatcher-order-ids"
"""MIME type of a drag carrying orders: ``[12, 7, 31]`` in UTF-8 JSON."""

MAX_DRAGGED_ORDERS = 100_000
"""More ids than any day holds: a bigger payload is garbage, not a drag."""


def encode_order_ids(order_ids: Iterable[OrderId]) -> QMimeData:
    """Mime data carrying ``order_ids`` once each, in the order given."""
    unique = list(dict.fromkeys(int(oid) for oid in order_ids))
    mime = QMimeData()
    mime.setData(ORDER_IDS_MIME, QByteArray(json.dumps(unique).encode("utf-8")))
    return mime


def decode_order_ids(mime: QMimeData | None) -> list[OrderId] | None:
    """The order ids carried by ``mime``, or None if it carries none or garbage.

    Accepts only a non-empty JSON list of positive integers (booleans are not
    ids), drops repeats and keeps the order.
    """
    if mime is None or not mime.hasFormat(ORDER_IDS_MIME):
        return None
    raw = bytes(mime.data(ORDER_IDS_MIME).data())
    try:
        values = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(values, list) or not 0 < len(values) <= MAX_DRAGGED_ORDERS:
        return None
    if not all(type(value) is int and value > 0 for value in values):
        return None
    return [OrderId(value) for value in dict.fromkeys(values)]
