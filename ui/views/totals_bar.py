"""The day's totals in the status bar: orders, planned, unassigned, km, cost, late."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

if TYPE_CHECKING:
    from dispatcher.day_view import DayTotals

_FIELDS = (
    ("orders", "orders", "Orders of the day"),
    ("planned", "planned", "Orders on a route"),
    ("unassigned", "unassigned", "Open orders on no route yet"),
    ("km", "km", "Kilometres driven by all routes"),
    ("cost", "cost", "Cost of all routes (fixed, per km and per hour)"),
    ("late", "late", "Stops served after their time window closes"),
)


def format_total(name: str, value: float) -> str:
    """The number of one total as the status bar shows it."""
    if name == "km":
        return f"{value:,.1f}"
    if name == "cost":
        return f"{value:,.2f}"
    return f"{int(value):,}"


class TotalsBar(QWidget):
    """A row of labelled numbers; attention-worthy ones (late, unassigned) stand out."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("totalsBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 0, 8, 0)
        layout.setSpacing(18)
        self._values: dict[str, QLabel] = {}
        for name, caption, tip in _FIELDS:
            value = QLabel("–", self)
            value.setObjectName(f"total_{name}")
            value.setProperty("role", "totalValue")
            value.setToolTip(tip)
            label = QLabel(caption, self)
            label.setProperty("role", "totalCaption")
            label.setToolTip(tip)
            pair = QHBoxLayout()
            pair.setSpacing(4)
            pair.addWidget(value)
            pair.addWidget(label)
            layout.addLayout(pair)
            self._values[name] = value
        layout.addStretch(1)

    def set_totals(self, totals: DayTotals | None) -> None:
        """Show ``totals``, or dashes when no day is loaded."""
        for name, label in self._values.items():
            if totals is None:
                label.setText("–")
                alert = False
            else:
                value = getattr(totals, name)
                label.setText(format_total(name, value))
                alert = name in ("late", "unassigned") and value > 0
            if label.property("alert") != alert:
                label.setProperty("alert", alert)
                # A dynamic property only restyles after a re-polish.
                label.style().unpolish(label)
                label.style().polish(label)

    def value_text(self, name: str) -> str:
        """The text shown for one total (``orders``, ``km``, ...)."""
        return self._values[name].text()
