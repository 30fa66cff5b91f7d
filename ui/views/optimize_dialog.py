"""The Optimize dialog: choose what to optimize, watch the search, preview, apply.

Three pages. **Setup**: the scope (the whole day, the routes of the selected
stops, or only the selected orders), a time limit and the goals the engine
offers (fewest vehicles first, balanced workload, stability). **Running**: the
best cost so far, solutions found, elapsed time against the limit, with "Stop &
keep best" and "Discard"; the search runs in worker processes
(``ui.workers.OptimizationRunner``), so the window stays responsive.
**Preview**: the plan's numbers before and after, the stops that move and the
orders still unassigned with their reasons, computed by ``plan_diff`` with the
route board's own scheduler. Apply hands the routes to
``PlanDocument.request_apply`` as one undoable step; if the plan changed while
optimizing, the result is refused and the dialog says to run it again.
"""

from __future__ import annotations

import dataclasses
import logging
from enum import IntEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dispatcher.errors import DispatcherError
from dispatcher.optimize.params import SolveParams
from dispatcher.optimize.problem import Objective
from dispatcher.optimize.solution import Status
from dispatcher.optimize.weights import COST_SCALE
from dispatcher.optimize_day import (
    day_scope,
    default_workers,
    later_days,
    problem_for_day,
    sequences_from,
    unassigned_reasons,
)
from dispatcher.plan_diff import MoveKind, plan_diff
from ui.assets import icon, stylesheet
from ui.models.badges import LATE_COLOR, MUTED_COLOR
from ui.workers import OptimizationRunner

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from dispatcher.day_view import DayView
    from dispatcher.model import OrderId, VehicleId
    from dispatcher.optimize.params import Progress
    from dispatcher.optimize.problem import RoutingProblem
    from dispatcher.optimize.solution import Solution
    from dispatcher.plan_diff import PlanDiff, PlanFigures
    from ui.document import PlanDocument
    from ui.selection import OrderSelection

log = logging.getLogger(__name__)

DEFAULT_TIME_LIMIT = 10
"""Seconds of search a run gets unless the user asks for another limit."""

BALANCE_WEIGHT = 30.0
"""Money per hour of the longest route when "balance the workload" is on."""

BETTER_COLOR = "#00785a"
"""A change for the better (a dark Okabe–Ito bluish green that reads on white)."""

STALE_MESSAGE = (
    "The plan changed while optimizing, so this result no longer fits it; "
    "re-run the optimizer on the current plan."
)

_PHASES = {
    "warm start": "Starting from the current plan…",
    "first plan": "First plan found, improving…",
    "construct": "Building and improving a plan…",
    "second search": "Searching for better routes…",
    "eliminate": "Trying to use fewer vehicles…",
    "polish": "Polishing the routes…",
}


class Scope(IntEnum):
    """What a run optimizes."""

    DAY = 0
    ROUTES = 1
    ORDERS = 2


class Page(IntEnum):
    """The dialog's pages, in the order a run goes through them."""

    SETUP = 0
    RUNNING = 1
    PREVIEW = 2


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _day_text(view: DayView) -> str:
    return f"{view.date:%a} {view.date.day} {view.date:%b %Y}"


@dataclasses.dataclass(frozen=True, slots=True)
class _Figure:
    """One row of the before/after table: a ``PlanFigures`` field and its text."""

    label: str
    field: str
    text: Callable[[float], str]
    lower_is_better: bool = True
    percent: bool = False

    def value(self, figures: PlanFigures) -> float:
        """This row's number in ``figures``."""
        return float(getattr(figures, self.field))


def _count(value: float) -> str:
    return f"{value:,.0f}"


_FIGURES = (
    _Figure("Distance", "km", lambda v: f"{v:,.1f} km", percent=True),
    _Figure("Cost", "cost", lambda v: f"{v:,.2f}", percent=True),
    _Figure("Working time", "duration_min", lambda v: f"{v / 60:,.1f} h", percent=True),
    _Figure("Late stops", "late_stops", _count),
    _Figure("Late minutes", "late_min", lambda v: f"{v:,.0f} min"),
    _Figure("Vehicles used", "vehicles_used", _count),
    _Figure("Planned stops", "planned", _count, lower_is_better=False),
    _Figure("Unassigned orders", "unassigned", _count),
)


def change_text(figure: _Figure, before: float, after: float) -> tuple[str, str]:
    """The change column of one row and its colour (better, worse or none)."""
    delta = after - before
    if abs(delta) < 0.005:
        return "no change", MUTED_COLOR
    better = (delta < 0) == figure.lower_is_better
    arrow = "▼" if delta < 0 else "▲"
    sign = "−" if delta < 0 else "+"
    text = f"{arrow} {sign}{figure.text(abs(delta))}"
    if figure.percent and before:
        text += f" ({sign}{abs(delta) / before * 100:.1f} %)"
    return text, BETTER_COLOR if better else LATE_COLOR


class OptimizeDialog(QDialog):
    """Optimizes the document's day (or part of it) and applies the result.

    Parameters
    ----------
    document
        The open day; the result is applied through ``request_apply``.
    selection
        The shared selection: it defines "selected routes" and "selected orders".
    parent
        The main window.
    runner
        Runs the search (default: an ``OptimizationRunner`` with worker
        processes); tests inject one with a fake solver.
    workers
        Parallel searches per run (default ``default_workers()``).
    """

    def __init__(
        self,
        document: PlanDocument,
        selection: OrderSelection,
        parent: QWidget | None = None,
        *,
        runner: OptimizationRunner | None = None,
        workers: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("optimizeDialog")
        self.setWindowTitle("Optimize routes")
        self.setWindowIcon(icon("optimize"))
        self.setStyleSheet(stylesheet("optimize"))
        self.setMinimumWidth(620)
        self.resize(860, 700)
        self.document = document
        self.selection = selection
        self.runner = runner or OptimizationRunner(self)
        self.runner.setParent(self)
        self._workers = workers or default_workers()

        # What the current run was built from: the result only fits that plan.
        self._base_view: DayView | None = None
        self._problem: RoutingProblem | None = None
        self._scope = Scope.DAY
        self._time_limit = float(DEFAULT_TIME_LIMIT)
        self._best: float | None = None
        self._solution: Solution | None = None
        self._diff: PlanDiff | None = None
        self._sequences: dict[VehicleId, list[OrderId]] = {}
        self._apply_error: str | None = None

        self.title = _label(self, name="optimizeTitle")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_setup())
        self.pages.addWidget(self._build_running())
        self.pages.addWidget(self._build_preview())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.pages, 1)

        self._clock = QTimer(self)
        self._clock.setInterval(100)
        self._clock.timeout.connect(self._on_clock_timeout)
        self.runner.sig_progress.connect(self._on_runner_progress)
        self.runner.sig_finished.connect(self._on_runner_finished)
        self.runner.sig_failed.connect(self._on_runner_failed)
        self.runner.sig_cancelled.connect(self._on_runner_cancelled)
        self.document.sig_plan_changed.connect(self._on_document_changed)
        self.document.sig_reloaded.connect(self._on_document_changed)
        self.selection.sig_selection_changed.connect(self._on_selection_changed)
        self._show_setup()

    # -- pages ---------------------------------------------------------------------

    def _build_setup(self) -> QWidget:
        page = QWidget(self)
        scope_box = QGroupBox("What to optimize", page)
        self.scope_buttons = QButtonGroup(self)
        scope_layout = QVBoxLayout(scope_box)
        self.scope_hints: dict[Scope, QLabel] = {}
        for scope, text in (
            (Scope.DAY, "The whole day"),
            (Scope.ROUTES, "The routes of the selected stops"),
            (Scope.ORDERS, "Only the selected orders"),
        ):
            button = QRadioButton(text, scope_box)
            button.setObjectName(f"scope{scope.name.title()}")
            hint = _label(scope_box, role="hint", wrap=True)
            hint.setIndent(24)
            self.scope_buttons.addButton(button, scope)
            self.scope_hints[scope] = hint
            scope_layout.addWidget(button)
            scope_layout.addWidget(hint)
        self.scope_buttons.button(Scope.DAY).setChecked(True)

        goals = QGroupBox("Goals", page)
        grid = QGridLayout(goals)
        grid.setColumnStretch(2, 1)
        self.fewest_vehicles = QCheckBox("Use as few vehicles as possible first", goals)
        self.fewest_vehicles.setToolTip(
            "Empty whole routes before saving kilometres or money."
        )
        self.balance = QCheckBox("Balance the workload between drivers", goals)
        self.balance.setToolTip("Shorter longest route, at some extra cost.")
        self.keep_stops = QCheckBox("Keep planned stops on their vehicle:", goals)
        self.move_penalty = QDoubleSpinBox(goals)
        self.move_penalty.setRange(0.5, 10_000.0)
        self.move_penalty.setValue(20.0)
        self.move_penalty.setDecimals(2)
        self.move_penalty.setSuffix(" per moved stop")
        self.cap_moves = QCheckBox("Move at most", goals)
        self.max_moves = QSpinBox(goals)
        self.max_moves.setRange(0, 100_000)
        self.max_moves.setValue(10)
        self.max_moves.setSuffix(" planned stops")
        for check, spin in (
            (self.keep_stops, self.move_penalty),
            (self.cap_moves, self.max_moves),
        ):
            spin.setEnabled(False)
            spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            check.toggled.connect(spin.setEnabled)
        grid.addWidget(self.fewest_vehicles, 0, 0, 1, 3)
        grid.addWidget(self.balance, 1, 0, 1, 3)
        grid.addWidget(self.keep_stops, 2, 0)
        grid.addWidget(self.move_penalty, 2, 1)
        grid.addWidget(self.cap_moves, 3, 0)
        grid.addWidget(self.max_moves, 3, 1)

        limit_row = QHBoxLayout()
        limit_label = QLabel("Time limit", page)
        self.time_limit = QSpinBox(page)
        self.time_limit.setObjectName("timeLimit")
        self.time_limit.setRange(1, 3600)
        self.time_limit.setValue(DEFAULT_TIME_LIMIT)
        self.time_limit.setSuffix(" s")
        limit_label.setBuddy(self.time_limit)
        limit_row.addWidget(limit_label)
        limit_row.addWidget(self.time_limit)
        limit_row.addStretch(1)

        note = _label(
            page,
            "Locked stops and routes, and routes already under way, stay as they "
            "are. Nothing changes until you apply the result.",
            role="hint",
            wrap=True,
        )
        self.setup_message = _label(page, name="optimizeMessage", wrap=True)
        self.setup_message.hide()

        self.close_button = _button(page, "Close", self.reject)
        self.optimize_button = _button(page, "Optimize", self.start, primary=True)

        return _stack(
            page,
            (scope_box, goals, limit_row, note, self.setup_message),
            (self.close_button, self.optimize_button),
            spacing=12,
        )

    def _build_running(self) -> QWidget:
        page = QWidget(self)
        self.running_headline = _label(page, name="optimizeHeadline", wrap=True)
        self.phase_label = _label(page, role="hint")
        self.progress_bar = QProgressBar(page)
        self.progress_bar.setObjectName("optimizeProgress")
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(8)
        self.elapsed_label = _label(page, role="hint")

        stats = QFrame(page)
        stats.setObjectName("statsCard")
        grid = QGridLayout(stats)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setHorizontalSpacing(28)
        self.stat_values: dict[str, QLabel] = {}
        for column, (key, caption, tip) in enumerate(
            (
                (
                    "cost",
                    "Best cost",
                    "Route costs plus penalties for orders left out (and per "
                    "vehicle when using as few vehicles as possible); lower is "
                    "better.",
                ),
                ("solutions", "Solutions found", "Better plans the search found."),
                ("vehicles", "Vehicles", "Vehicles the best plan uses."),
                ("unassigned", "Left out", "Orders the best plan leaves out."),
            )
        ):
            value = _label(stats, "–", role="statValue")
            value.setToolTip(tip)
            label = _label(stats, caption, role="statCaption")
            label.setToolTip(tip)
            grid.addWidget(value, 0, column)
            grid.addWidget(label, 1, column)
            self.stat_values[key] = value

        self.discard_button = _button(
            page, "Discard", self.runner.discard, tip="Stop now and keep nothing."
        )
        self.stop_button = _button(
            page,
            "Stop && keep best",
            self._on_stop_clicked,
            tip="Stop now and preview the best plan so far.",
            primary=True,
        )
        self.stop_button.setDefault(False)  # Enter must not end a search

        running_note = _label(
            page,
            "The search runs in the background: you can keep working. If the plan "
            "changes meanwhile, the result will have to be computed again.",
            role="hint",
            wrap=True,
        )
        return _stack(
            page,
            (
                self.running_headline,
                self.phase_label,
                self.progress_bar,
                self.elapsed_label,
                6,
                stats,
                running_note,
            ),
            (self.discard_button, self.stop_button),
            top=4,
        )

    def _build_preview(self) -> QWidget:
        page = QWidget(self)
        self.preview_headline = _label(page, name="optimizeHeadline", wrap=True)
        self.preview_subline = _label(page, role="hint", wrap=True)

        self.stale_banner = QFrame(page)
        self.stale_banner.setObjectName("staleBanner")
        banner = QHBoxLayout(self.stale_banner)
        banner.setContentsMargins(10, 8, 10, 8)
        warning = QLabel(self.stale_banner)
        warning.setPixmap(icon("warning").pixmap(20, 20))
        self.stale_label = _label(
            self.stale_banner, STALE_MESSAGE, name="staleMessage", wrap=True
        )
        banner.addWidget(warning, 0, Qt.AlignmentFlag.AlignTop)
        banner.addWidget(self.stale_label, 1)
        self.stale_banner.hide()
        self.service_warning = _label(page, name="optimizeMessage", wrap=True)
        self.service_warning.hide()

        self.figures_card = QFrame(page)
        self.figures_card.setObjectName("figuresCard")
        figures = QGridLayout(self.figures_card)
        figures.setContentsMargins(16, 10, 16, 10)
        figures.setHorizontalSpacing(24)
        figures.setVerticalSpacing(5)
        for column, text in enumerate(("", "Before", "After", "Change")):
            head = _label(self.figures_card, text, role="figureHead")
            figures.addWidget(head, 0, column, _right(column))
        self.figure_labels: list[tuple[QLabel, QLabel, QLabel]] = []
        for row, figure in enumerate(_FIGURES, start=1):
            name = _label(self.figures_card, figure.label, role="figureName")
            cells = tuple(
                _label(self.figures_card, role="figureValue") for _ in range(3)
            )
            figures.addWidget(name, row, 0)
            for column, cell in enumerate(cells, start=1):
                figures.addWidget(cell, row, column, _right(column))
            self.figure_labels.append(cells)  # type: ignore[arg-type]
        figures.setColumnStretch(0, 1)

        self.moves_summary = _label(page, name="movesSummary", wrap=True)
        self.details = QTabWidget(page)
        self.details.setObjectName("optimizeDetails")
        self.moves_table = _table(("Order", "Customer", "From", "To"), page)
        self.unassigned_table = _table(("Order", "Customer", "Reason", "Fix"), page)
        self.details.addTab(self.moves_table, "Changed stops")
        self.details.addTab(self.unassigned_table, "Unassigned")

        self.preview_discard_button = _button(
            page, "Discard", self.reject, tip="Close and keep the plan as it is."
        )
        self.rerun_button = _button(
            page, "Run again", self._show_setup, tip="Optimize the plan as it is now."
        )
        self.rerun_button.setIcon(icon("refresh"))
        self.apply_button = _button(
            page,
            "Apply",
            self.apply,
            tip="Save these routes (one step you can undo).",
            primary=True,
        )

        return _stack(
            page,
            (
                self.preview_headline,
                self.preview_subline,
                self.stale_banner,
                self.service_warning,
                self.figures_card,
                self.moves_summary,
                self.details,
            ),
            (self.preview_discard_button, self.rerun_button, self.apply_button),
            grow=self.details,
        )

    # -- state ---------------------------------------------------------------------

    @property
    def page(self) -> Page:
        """The page shown now."""
        return Page(self.pages.currentIndex())

    @property
    def diff(self) -> PlanDiff | None:
        """The previewed difference (None before a result)."""
        return self._diff

    @property
    def problem(self) -> RoutingProblem | None:
        """The problem of the current run or result (None before a run)."""
        return self._problem

    @property
    def solution(self) -> Solution | None:
        """The last result (None before one)."""
        return self._solution

    @property
    def base_version(self) -> int | None:
        """The plan version the current run or result was computed from."""
        return self._base_view.plan_version if self._base_view else None

    @property
    def is_stale(self) -> bool:
        """True if the plan moved on since the run started."""
        return (
            self._base_view is not None
            and self.document.is_open
            and (
                self.document.plan_version != self._base_view.plan_version
                or self.document.date != self._base_view.date
            )
        )

    def refresh(self) -> None:
        """Show fresh scope counts if the dialog is on its setup page."""
        if self.page is Page.SETUP:
            self._show_setup()

    def set_scope(self, scope: Scope) -> None:
        """Choose what to optimize (if that scope has anything in it)."""
        button = self.scope_buttons.button(scope)
        if button.isEnabled():
            button.setChecked(True)

    # -- actions -------------------------------------------------------------------

    @Slot()
    def start(self) -> bool:
        """Build the problem for the chosen scope and start the search.

        Returns False (with the reason shown on the setup page) if there is
        nothing to optimize.
        """
        if not self.document.is_open:
            return False
        view = self.document.view
        scope = Scope(self.scope_buttons.checkedId())
        vehicles, orders = self._scope_ids(scope)
        try:
            problem = problem_for_day(
                view,
                objective=self._objective(),
                vehicles=vehicles,
                orders=orders,
                other_days=later_days(self.document.uow_factory, view.date),
            )
        except DispatcherError as exc:
            self._show_setup(str(exc))
            return False
        self._base_view, self._problem, self._scope = view, problem, scope
        self._time_limit = float(self.time_limit.value())
        self._best = None
        self._solution = self._diff = None
        self._apply_error = None
        params = SolveParams(time_limit=self._time_limit, workers=self._workers)
        self.runner.start(problem, params)
        self._show_running(problem)
        return True

    @Slot()
    def apply(self) -> bool:
        """Apply the previewed routes as one undoable step.

        Returns
        -------
        bool
            True if the plan was saved (the dialog then closes); False if it
            was refused, e.g. because the plan changed meanwhile (the preview
            says so).
        """
        if self._diff is None or self._base_view is None:
            return False
        if self.is_stale:
            self._show_stale(STALE_MESSAGE)
            return False
        if not self._diff.changed:
            self.accept()
            return True
        errors: list[str] = []
        self.document.sig_error.connect(errors.append)
        version = self.document.plan_version
        try:
            self.document.request_apply(
                self._sequences, self._base_view.plan_version, self._command_text()
            )
        finally:
            self.document.sig_error.disconnect(errors.append)
        if self.document.plan_version == version:
            self._show_stale(errors[0] if errors else STALE_MESSAGE)
            return False
        self._base_view = None  # applied: the result is used up
        self.accept()
        return True

    def shutdown(self) -> None:
        """Stop any search and leave no process behind (the window closes)."""
        self._clock.stop()
        self.runner.shutdown()

    # -- Qt overrides --------------------------------------------------------------

    def done(self, result: int) -> None:
        """Closing the dialog, however it happens, ends any search.

        The next opening starts again on the setup page.
        """
        self.shutdown()
        super().done(result)
        self._base_view = self._problem = None
        self._solution = self._diff = None
        self._show_setup()

    # -- internals -----------------------------------------------------------------

    def _scope_ids(
        self, scope: Scope
    ) -> tuple[Iterable[VehicleId] | None, Iterable[OrderId] | None]:
        selected = self.selection.ids
        if scope is Scope.ROUTES:
            on = self.document.vehicles_of(selected).values()
            return sorted({vid for vid in on if vid is not None}), None
        if scope is Scope.ORDERS:
            return None, sorted(selected)
        return None, None

    def _objective(self) -> Objective:
        return Objective(
            minimize_vehicles=self.fewest_vehicles.isChecked(),
            balance=BALANCE_WEIGHT if self.balance.isChecked() else 0.0,
            move_penalty=(
                self.move_penalty.value() if self.keep_stops.isChecked() else 0.0
            ),
            max_moves=self.max_moves.value() if self.cap_moves.isChecked() else None,
        )

    def _command_text(self) -> str:
        if self._scope is Scope.ROUTES:
            return f"Optimize {_plural(len(self._sequences), 'route')}"
        if self._scope is Scope.ORDERS:
            return f"Optimize {_plural(len(self.selection.ids), 'order')}"
        return "Optimize the day"

    def _refresh_scopes(self) -> None:
        """Describe each scope with its counts; disable the empty ones."""
        if not self.document.is_open:
            for button in self.scope_buttons.buttons():
                button.setEnabled(False)
            self.optimize_button.setEnabled(False)
            return
        view = self.document.view
        self.title.setText(f"Optimize {_day_text(view)}")
        whole = day_scope(view)
        self.scope_hints[Scope.DAY].setText(
            f"{_plural(len(whole.orders), 'order')} on "
            f"{_plural(len(whole.vehicles), 'vehicle')}"
            + (
                f" ({_plural(len(whole.frozen), 'route')} kept as they are)"
                if whole.frozen
                else ""
            )
        )
        vehicles, _ = self._scope_ids(Scope.ROUTES)
        routes = day_scope(view, vehicles=vehicles) if vehicles else None
        self.scope_hints[Scope.ROUTES].setText(
            f"{_plural(len(routes.vehicles), 'route')} with "
            f"{_plural(len(routes.orders), 'stop')}; their stops are shared out "
            "among them again"
            if routes
            else "Select stops on the board or in the table first."
        )
        selected = len(self.selection.ids)
        self.scope_hints[Scope.ORDERS].setText(
            f"{_plural(selected, 'order')} may go to any vehicle; all other stops "
            "stay on their vehicles"
            if selected
            else "Select orders first."
        )
        self.scope_buttons.button(Scope.ROUTES).setEnabled(routes is not None)
        self.scope_buttons.button(Scope.ORDERS).setEnabled(bool(selected))
        checked = self.scope_buttons.checkedButton()
        if checked is None or not checked.isEnabled():
            self.scope_buttons.button(Scope.DAY).setChecked(True)
        self.optimize_button.setEnabled(True)

    def _show_setup(self, message: str | None = None) -> None:
        self._clock.stop()
        self._refresh_scopes()
        self.setup_message.setText(message or "")
        self.setup_message.setVisible(bool(message))
        self.pages.setCurrentIndex(Page.SETUP)
        self.optimize_button.setFocus()

    def _show_running(self, problem: RoutingProblem) -> None:
        locked = sum(1 for v in problem.vehicles if v.locked)
        self.running_headline.setText(
            f"Optimizing {_plural(len(problem.jobs), 'order')} on "
            f"{_plural(len(problem.vehicles) - locked, 'vehicle')}…"
        )
        self.phase_label.setText("Starting the search…")
        for label in self.stat_values.values():
            label.setText("–")
        self.progress_bar.setValue(0)
        self.stop_button.setEnabled(True)
        self.discard_button.setEnabled(True)
        self._update_clock()
        self.pages.setCurrentIndex(Page.RUNNING)
        self._clock.start()

    def _update_clock(self) -> None:
        elapsed = self.runner.elapsed
        limit = self._time_limit
        self.progress_bar.setValue(min(1000, round(elapsed / limit * 1000)))
        if self.runner.is_stopping:
            self.elapsed_label.setText(f"{elapsed:.1f} s — stopping…")
        elif elapsed > limit:
            self.elapsed_label.setText(f"{elapsed:.1f} s of {limit:.0f} s — finishing…")
        else:
            self.elapsed_label.setText(f"{elapsed:.1f} s of {limit:.0f} s")

    def _show_preview(self, solution: Solution, diff: PlanDiff) -> None:
        elapsed = f"{solution.elapsed:.1f} s"
        if solution.status is Status.NO_SOLUTION:
            headline = f"No plan found in {elapsed}"
        elif solution.status is Status.CANCELLED:
            headline = f"Stopped after {elapsed}: the best plan so far"
        else:
            headline = f"Optimized in {elapsed}"
        self.preview_headline.setText(headline)
        changed = len(diff.vehicles)
        self.preview_subline.setText(
            f"{_plural(solution.solutions_found, 'solution')} found · "
            + (
                f"{_plural(changed, 'route')} change" + ("s" if changed == 1 else "")
                if changed
                else "the plan stays as it is"
            )
        )
        for cells, figure in zip(self.figure_labels, _FIGURES, strict=True):
            before, after = figure.value(diff.before), figure.value(diff.after)
            cells[0].setText(figure.text(before))
            cells[1].setText(figure.text(after))
            text, color = change_text(figure, before, after)
            cells[2].setText(text)
            cells[2].setStyleSheet(f"color: {color};")
        fewer = diff.after.unassigned_important - diff.before.unassigned_important
        self.service_warning.setText(
            f"This plan leaves {_plural(fewer, 'more order')} of must, high or normal "
            "priority unassigned than the current plan; the search probably ran out "
            "of time. Run it again with a longer time limit."
        )
        self.service_warning.setVisible(diff.serves_fewer)
        self._fill_moves(diff)
        self._fill_unassigned(diff)
        if self.is_stale:
            self._show_stale(STALE_MESSAGE)
        else:
            self.stale_banner.hide()
            self.apply_button.setEnabled(diff.changed)
        self.pages.setCurrentIndex(Page.PREVIEW)
        self.apply_button.setFocus()

    def _show_stale(self, message: str) -> None:
        self.stale_label.setText(message)
        self.stale_banner.show()
        self.apply_button.setEnabled(False)
        self.rerun_button.setFocus()

    def _vehicle_text(self, vehicle_id: VehicleId | None, position: int | None) -> str:
        if vehicle_id is None:
            return "unassigned"
        assert self._base_view is not None
        vehicle = self._base_view.vehicles.get(vehicle_id)
        name = vehicle.name if vehicle is not None else f"vehicle {vehicle_id}"
        return f"{name} · stop {position}"

    def _fill_moves(self, diff: PlanDiff) -> None:
        counts = [
            (MoveKind.OTHER_VEHICLE, "to another vehicle"),
            (MoveKind.RESEQUENCED, "re-sequenced"),
            (MoveKind.PLANNED, "newly planned"),
            (MoveKind.UNPLANNED, "taken off the plan"),
        ]
        # One count, the table's: the kinds that add up to it follow.
        changed = len(diff.moves)
        parts = [f"{n:,} {text}" for kind, text in counts if (n := diff.count(kind))]
        self.moves_summary.setText(
            f"<b>{_plural(changed, 'stop')} change{'s' if changed == 1 else ''}</b>"
            + (" &nbsp;·&nbsp; " + " · ".join(parts) if parts else "")
        )
        rows = [
            (
                move.reference,
                move.customer,
                self._vehicle_text(move.from_vehicle, move.from_position),
                self._vehicle_text(move.to_vehicle, move.to_position),
            )
            for move in diff.moves
        ]
        _fill(self.moves_table, rows)
        self.details.setTabText(0, f"Changed stops ({len(rows):,})")

    def _fill_unassigned(self, diff: PlanDiff) -> None:
        rows = [
            (u.reference, u.customer, u.reason, u.fix or "–") for u in diff.unassigned
        ]
        _fill(self.unassigned_table, rows)
        self.details.setTabText(1, f"Unassigned ({len(rows):,})")
        if rows and not diff.moves:
            self.details.setCurrentIndex(1)

    # -- slots ---------------------------------------------------------------------

    @Slot()
    def _on_stop_clicked(self) -> None:
        self.stop_button.setEnabled(False)
        self.runner.stop()
        self._update_clock()

    @Slot()
    def _on_clock_timeout(self) -> None:
        self._update_clock()

    @Slot(object)
    def _on_runner_progress(self, progress: Progress) -> None:
        cost = progress.objective / COST_SCALE
        self._best = cost if self._best is None else min(self._best, cost)
        self.stat_values["cost"].setText(f"{self._best:,.2f}")
        self.stat_values["solutions"].setText(f"{progress.solutions:,}")
        for key in ("vehicles", "unassigned"):
            value = getattr(progress, key)
            if value is not None:
                self.stat_values[key].setText(f"{value:,}")
        if not self.runner.is_stopping:
            self.phase_label.setText(_PHASES.get(progress.phase, "Searching…"))

    @Slot(object)
    def _on_runner_finished(self, solution: Solution) -> None:
        self._clock.stop()
        problem, view = self._problem, self._base_view
        if problem is None or view is None:
            return
        self._solution = solution
        self._sequences = sequences_from(problem, solution)
        try:
            self._diff = plan_diff(
                view, self._sequences, reasons=unassigned_reasons(problem, solution)
            )
        except (DispatcherError, ValueError) as exc:
            log.warning("optimizer result cannot be previewed: %s", exc)
            self._show_setup(
                f"The optimizer's result does not fit the plan ({exc}); run it again."
            )
            return
        self._show_preview(solution, self._diff)

    @Slot(str)
    def _on_runner_failed(self, message: str) -> None:
        self._show_setup(message)

    @Slot()
    def _on_runner_cancelled(self) -> None:
        self._show_setup("The optimization was stopped before it found a plan.")

    @Slot(object)
    def _on_document_changed(self, *_args: object) -> None:
        if self.page is Page.SETUP:
            self._refresh_scopes()
        elif self.page is Page.PREVIEW and self.is_stale:
            self._show_stale(STALE_MESSAGE)

    @Slot(object, object)
    def _on_selection_changed(self, *_args: object) -> None:
        if self.page is Page.SETUP:
            self._refresh_scopes()


def _label(
    parent: QWidget,
    text: str = "",
    *,
    name: str = "",
    role: str = "",
    wrap: bool = False,
) -> QLabel:
    """A label the dialog's style sheet finds by object ``name`` or ``role``."""
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    label.setWordWrap(wrap)
    return label


def _button(
    parent: QWidget,
    text: str,
    slot: Callable[[], object],
    *,
    tip: str = "",
    primary: bool = False,
) -> QPushButton:
    """A push button calling ``slot``; the primary one of a page is its default."""
    button = QPushButton(text, parent)
    button.setToolTip(tip)
    if primary:
        button.setObjectName("primaryButton")
        button.setDefault(True)
    button.clicked.connect(slot)
    return button


def _right(column: int) -> Qt.AlignmentFlag:
    """Numbers align right; the row names left."""
    return Qt.AlignmentFlag.AlignRight if column else Qt.AlignmentFlag.AlignLeft


def _stack(
    page: QWidget,
    items: Sequence[QWidget | QLayout | int],
    buttons: Sequence[QPushButton],
    *,
    grow: QWidget | None = None,
    top: int = 0,
    spacing: int = 10,
) -> QWidget:
    """Lay out one page: ``items`` top to bottom, ``buttons`` at the bottom right.

    An int item is extra space. ``grow`` takes the spare height; without it
    the space goes between the items and the buttons.
    """
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, top, 0, 0)
    layout.setSpacing(spacing)
    for item in items:
        if isinstance(item, int):
            layout.addSpacing(item)
        elif isinstance(item, QLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item, 1 if item is grow else 0)
    if grow is None:
        layout.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    layout.addLayout(row)
    return page


def _table(headers: Sequence[str], parent: QWidget) -> QTableWidget:
    """A read-only table; the last two columns share the spare width."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in (len(headers) - 2, len(headers) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    table.setMinimumHeight(150)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)


def open_optimize_dialog(
    parent: QWidget, document: PlanDocument, selection: OrderSelection
) -> OptimizeDialog:
    """Show the Optimize dialog of ``parent`` (one per window), not modal.

    The window connects its Optimize action (toolbar, Ctrl+R) here. The dialog
    stays open while the user keeps working; edits made meanwhile make a result
    stale, and the preview then refuses to apply it.
    """
    dialog = parent.findChild(OptimizeDialog)
    if dialog is None:
        dialog = OptimizeDialog(document, selection, parent)
    else:
        dialog.refresh()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
