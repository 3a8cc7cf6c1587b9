"""Settings: the window's own preferences (units, theme; this computer, applied at once), the
bar's and the hives' site-wide rules (stored in the database so a running ``kegdash serve`` and
every window agree; applied together with Apply, never by a stray wheel turn), the API server's
address (movable while running, and written to the config file for the next start), and the keys
that let others in: who may join as a member (the ``registration`` rule, and the accounts
waiting to be admitted or refused: ``ui.members_panel``), Kegbot API keys and Beekeeping licence
keys. A new key is shown once, with a Copy button, since only its fingerprint is stored.

The page reads the stored rules again whenever it is shown, so a change made elsewhere
(``kegdash admin setting``, another window) is what it shows; a field the operator is editing
keeps the operator's value until it is applied or reverted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kegdash import fmt
from kegdash.accounts import key_admin
from kegdash.accounts.admission import BY_PRIVACY, PendingAccount, pending_accounts
from kegdash.accounts.views import active_usernames, api_key_rows
from kegdash.apiary import registry as apiary_registry
from kegdash.apiary import views as apiary_views
from kegdash.config import UNITS, ConfigError, Settings, config_path, save_server_address
from kegdash.server.runner import ServerError
from kegdash.site_settings import (
    BOUNDS,
    DEFAULTS,
    PRIVACY_MODES,
    REGISTRATION_MODES,
    get_settings,
    set_setting,
)
from kegdash.ui.banner import Banner
from kegdash.ui.dialogs import ask
from kegdash.ui.layouts import hint, left_row
from kegdash.ui.members_panel import MembersPanel
from kegdash.ui.prefs import SITE_UNITS, THEMES, Prefs
from kegdash.ui.table_model import read_only_table
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.words import plural

UNIT_NAMES = {"metric": "Metric (L, °C, kg)", "us": "US (fl oz, gal, °F, lb)"}
PRIVACY_NAMES = {"public": "Public: anyone may read",
                 "members": "Members: an API key needed",
                 "staff": "Staff: staff keys only"}
REGISTRATION_NAMES = {"open": "Open: anyone who registers",
                      "approval": "Approval: you admit each one",
                      "closed": "Closed: accounts you create"}
""""Who may join": the ``registration`` setting's words; unset, it follows the privacy mode."""
API_KEY_COLUMNS = ("User", "Key", "Created", "Revoked")
LICENSE_COLUMNS = ("Owner", "Key", "Created", "State")
FIELD_WIDTH = 240
"""Every field of the form is this wide, so the form reads as one column."""
HINT_WIDTH = 2 * FIELD_WIDTH


def _combo(choices: dict[str | None, str] | tuple[str, ...], current: str | None = None) -> QComboBox:
    combo = QComboBox()
    items = choices.items() if isinstance(choices, dict) else ((c, c.capitalize()) for c in choices)
    for value, label in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


def _spin(low: float, high: float, suffix: str = "", decimals: int = 0,
          step: float = 1) -> QSpinBox | QDoubleSpinBox:
    spin = QDoubleSpinBox(decimals=decimals, singleStep=step) if decimals else QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    return spin


@dataclass(frozen=True)
class Quantity:
    """How a stored value shows in the window's units (``shown``), is read back (``stored``),
    and which unit the field names."""

    shown: Callable[[float, str], float]
    stored: Callable[[float, str], float]
    unit: Callable[[str], str]
    digits: int  # decimals kept when stored


QUANTITIES = {
    "temperature": Quantity(fmt.temperature_value, fmt.celsius_from, fmt.temperature_unit, 2),
    # A difference of temperatures: 3 °C apart is 5.4 °F apart, with no 32 °F offset.
    "temperature step": Quantity(
        lambda c, u: fmt.temperature_value(c, u) - fmt.temperature_value(0, u),
        lambda v, u: fmt.celsius_from(v, u) - fmt.celsius_from(0, u), fmt.temperature_unit, 2),
    "weight": Quantity(fmt.weight_value, fmt.kg_from, fmt.weight_unit, 3),
    "percent": Quantity(lambda f, _u: f * 100, lambda v, _u: v / 100, lambda _u: "%", 4),
}


class SiteField:
    """One site setting's field. A spin box shows a ``quantity`` in the window's units; its
    range follows the setting's bounds."""

    def __init__(self, key: str, label: str, widget: QComboBox | QAbstractSpinBox,
                 quantity: str | None = None) -> None:
        self.key = key
        self.label = label
        self.widget = widget
        self.quantity = QUANTITIES[quantity] if quantity else None

    def show(self, stored: Any, units: str) -> None:
        """Put a stored value in the field, converted to ``units``."""
        widget = self.widget
        if isinstance(widget, QComboBox):
            if widget.findData(stored) < 0:  # e.g. an operator account that is gone
                widget.addItem(str(stored), stored)
            widget.setCurrentIndex(widget.findData(stored))
            return
        quantity = self.quantity
        if quantity is not None:
            if self.key in BOUNDS:
                widget.setRange(*(quantity.shown(v, units) for v in BOUNDS[self.key]))
            widget.setSuffix(f" {quantity.unit(units)}")
            stored = quantity.shown(stored, units)
        widget.setValue(stored if isinstance(widget, QDoubleSpinBox) else round(stored))

    def read(self, units: str) -> Any:
        """The field's value in the stored unit, kept within the setting's bounds (unit
        conversion may round a hair past them)."""
        widget = self.widget
        if isinstance(widget, QComboBox):
            return widget.currentData()
        value = widget.value()
        if self.quantity is not None:
            value = round(self.quantity.stored(value, units), self.quantity.digits)
        if self.key in BOUNDS:
            low, high = BOUNDS[self.key]
            value = min(max(value, low), high)
        return value

    def differs(self, stored: Any, units: str) -> bool:
        """Whether the field shows something else than ``stored`` would show."""
        widget = self.widget
        if isinstance(widget, QComboBox):
            return widget.currentData() != stored
        shown = self.quantity.shown(stored, units) if self.quantity else stored
        decimals = widget.decimals() if isinstance(widget, QDoubleSpinBox) else 0
        return round(widget.value(), decimals) != round(shown, decimals)


def _overrides(settings: Settings) -> list[str]:
    """The variables and flags of this start that will again win over the config file's address."""
    found = []
    for name in ("host", "port"):
        source = settings.sources.get(name, "default")
        if source == "command line":
            found.append(f"--{name}")
        elif source.startswith("environment "):
            found.append(source.removeprefix("environment "))
    return found


def _fill(table: QTableWidget, rows: list[tuple[int, tuple[str, ...]]]) -> None:
    """Rows of (key id, cells); the id rides on the first cell for the action buttons."""
    table.setRowCount(len(rows))
    for row, (key_id, cells) in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, key_id)
            table.setItem(row, column, item)


def _selected_id(table: QTableWidget) -> int | None:
    rows = table.selectionModel().selectedRows()
    return table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None


def _section(title: str) -> QLabel:
    return QLabel(title, objectName="sectionTitle")


@dataclass(frozen=True)
class StoredState:
    """What the page shows from the database, read off the GUI thread."""

    settings: dict[str, Any]
    users: list[str]
    pending: list[PendingAccount]
    api_keys: list[Any]
    license_keys: list[Any]


class NewKeyBox(QFrame):
    """A just-created key, shown once: after this only its prefix is known to kegdash."""

    def __init__(self) -> None:
        super().__init__(objectName="newKey")
        self.label = QLabel()
        self.key = QLineEdit(readOnly=True)
        self.copy = QPushButton("Copy")
        self.copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.key.text()))
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(row)
        self.hide()

    def show_key(self, what: str, key: str) -> None:
        self.label.setText(f"{what} — copy it now; it is shown only this once:")
        self.key.setText(key)
        self.show()

    def clear(self) -> None:
        self.key.clear()
        self.hide()


class SettingsPage(QWidget):
    server_changed = Signal(str)
    """The API's new address (or why it is not running) after a restart in place."""
    loaded = Signal()
    """The stored values were read and shown (after each reload)."""

    def __init__(self, prefs: Prefs, server: str, database: str, runner: TaskRunner,
                 settings: Settings | None = None,
                 restart_server: Callable[[str, int], str] | None = None) -> None:
        """``restart_server(host, port)`` moves the running API and returns its address, or
        raises ServerError with the old server still serving; without it the address is fixed."""
        super().__init__()
        settings = settings or Settings()
        self.prefs = prefs
        self.runner = runner
        self.settings = settings
        self.restart_server = restart_server
        self.stored: dict[str, Any] = {}
        self._reads = 0
        """How many reads were asked for; only the newest one's answer is shown."""
        self.users: list[str] = []
        self._shown_units = prefs.units
        self.units = _combo({u: UNIT_NAMES[u] for u in UNITS}, prefs.units)
        self.theme = _combo(THEMES, prefs.theme)

        self.privacy = _combo({m: PRIVACY_NAMES[m] for m in PRIVACY_MODES})
        self.registration = _combo({None: "", **{m: REGISTRATION_NAMES[m] for m in REGISTRATION_MODES}})
        self.session_timeout = _spin(1, 7 * 24 * 60, " min")
        self.low_keg = _spin(0, 100, " %")
        self.operator = QComboBox()
        self.brood_min = _spin(*BOUNDS["hive_brood_min_c"], decimals=1, step=0.5)
        self.brood_max = _spin(*BOUNDS["hive_brood_max_c"], decimals=1, step=0.5)
        self.brood_minutes = _spin(*BOUNDS["hive_brood_sustained_minutes"], " min", step=15)
        self.spike = _spin(*BOUNDS["hive_spike_c"], decimals=1, step=0.5)
        self.swarm_drop = _spin(*BOUNDS["hive_swarm_drop_kg"], decimals=2, step=0.1)
        self.swarm_window = _spin(*BOUNDS["hive_swarm_window_minutes"], " min")
        self.silent_hours = _spin(*BOUNDS["hive_silent_hours"], " h", decimals=2, step=0.25)
        self.battery_low = _spin(*BOUNDS["hive_battery_low_percent"], " %")
        self.fields = [
            SiteField("privacy", "API privacy", self.privacy),
            SiteField("session_timeout_minutes", "Drinking session ends after", self.session_timeout),
            SiteField("low_keg_fraction", "Low keg below", self.low_keg, "percent"),
            SiteField("operator", "Operator account", self.operator),
            SiteField("registration", "Who may join", self.registration),
            SiteField("hive_brood_min_c", "Brood nest lower limit", self.brood_min, "temperature"),
            SiteField("hive_brood_max_c", "Brood nest upper limit", self.brood_max, "temperature"),
            SiteField("hive_brood_sustained_minutes", "Brood alert after", self.brood_minutes),
            SiteField("hive_spike_c", "Temperature spike", self.spike, "temperature step"),
            SiteField("hive_swarm_drop_kg", "Swarm weight drop", self.swarm_drop, "weight"),
            SiteField("hive_swarm_window_minutes", "Swarm window", self.swarm_window),
            SiteField("hive_silent_hours", "Hive silent after", self.silent_hours),
            SiteField("hive_battery_low_percent", "Sensor battery low below", self.battery_low),
        ]
        self.screen_units: QComboBox | None = None
        if SITE_UNITS in DEFAULTS:
            self.screen_units = _combo({u: UNIT_NAMES[u] for u in UNITS})
            self.fields.insert(0, SiteField(SITE_UNITS, "Bar screens show", self.screen_units))
        for field in self.fields:
            field.widget.setFixedWidth(FIELD_WIDTH)
            signal = (field.widget.currentIndexChanged if isinstance(field.widget, QComboBox)
                      else field.widget.valueChanged)
            signal.connect(self._edited)
        for widget in (self.units, self.theme):
            widget.setFixedWidth(FIELD_WIDTH)

        self.apply_button = QPushButton("Apply", objectName="primary")
        self.revert_button = QPushButton("Revert")
        self.pending = QLabel(objectName="hint")

        self.server = QLabel(server)
        self.server.setWordWrap(True)
        self.server.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.host = QLineEdit(settings.host)
        self.host.setFixedWidth(FIELD_WIDTH)
        self.port = QSpinBox(minimum=0, maximum=65535)
        self.port.setValue(settings.port)
        self.restart_button = QPushButton("Restart server here")
        self.restart_button.setEnabled(restart_server is not None)
        self.address_hint = hint(
            f"A new address is kept for the next start in {config_path()} ([server] host and port); "
            "KEGDASH_HOST, KEGDASH_PORT, --host and --port still win over it.")
        self.database = QLabel(database)
        self.database.setWordWrap(True)
        self.database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.api_keys = read_only_table(API_KEY_COLUMNS, min_height=140)
        self.api_key_user = QComboBox()
        self.create_api_key_button = QPushButton("Create key")
        self.revoke_button = QPushButton("Revoke selected…")
        self.license_keys = read_only_table(LICENSE_COLUMNS, min_height=140)
        self.license_owner = QComboBox()
        self.create_license_button = QPushButton("Create licence key")
        self.toggle_license_button = QPushButton("Enable / disable selected")
        self.new_key = NewKeyBox()
        self.members = MembersPanel(runner)

        def note(text: str) -> QLabel:
            label = hint(text)
            label.setFixedWidth(HINT_WIDTH)
            return label

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(_section("This window"))
        form.addRow("Units", self.units)
        form.addRow("Theme", self.theme)
        form.addRow("", note("Applied at once, for this computer's window only."))
        form.addRow(_section("The bar (every window and API)"))
        if self.screen_units is not None:
            form.addRow("Bar screens show", self.screen_units)
            form.addRow("", note("The TV tap list's units, and this window's until units are "
                                 "picked above."))
        form.addRow("API privacy", self.privacy)
        form.addRow("Drinking session ends after", self.session_timeout)
        form.addRow("", note("Pours closer together than this count as one drinking session."))
        form.addRow("Low keg below", self.low_keg)
        form.addRow("Operator account", self.operator)
        form.addRow("", note("Pours nobody claimed with a token are recorded for this account."))
        form.addRow("Who may join", self.registration)
        form.addRow("", note("Open: whoever registers through Tapline is a member at once. "
                             "Approval: they can use Tapline, but count as members (the "
                             "members-only API, the tap list) once you admit them below. Closed: "
                             "only accounts you create. By API privacy: approval while the API is "
                             "public or members-only, closed while it is staff-only."))
        form.addRow("Waiting to join", self.members)
        form.addRow(_section("Hive alerts (every hive)"))
        form.addRow("Brood nest kept between", left_row(self.brood_min, QLabel("and"), self.brood_max))
        form.addRow("Brood alert after", left_row(self.brood_minutes, QLabel("outside the band")))
        form.addRow("", note("A colony keeps its brood nest at 34–36 °C. A lid opened for an "
                             "inspection cools it for a while, so the alert waits this long "
                             "before it warns."))
        form.addRow("Temperature spike", left_row(self.spike, QLabel("between two readings")))
        form.addRow("Possible swarm: a drop of", left_row(self.swarm_drop, QLabel("within"),
                                                          self.swarm_window))
        form.addRow("", note("A swarm takes 2–3 kg of bees within minutes; a scale drifts a few "
                             "hundred grams a day."))
        form.addRow("Hive silent after", self.silent_hours)
        form.addRow("", note("Sensors report every 5–15 minutes."))
        form.addRow("Sensor battery low below", self.battery_low)
        form.addRow(_section("API server"))
        form.addRow("Listening on", self.server)
        address = QHBoxLayout()
        address.addWidget(self.host)
        address.addWidget(QLabel("port"))
        address.addWidget(self.port)
        address.addWidget(self.restart_button)
        address.addStretch(1)
        form.addRow("Move to", address)
        for label in (self.address_hint, self.server, self.database):
            label.setFixedWidth(HINT_WIDTH)
        form.addRow("", self.address_hint)
        form.addRow("Database", self.database)

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(QLabel("Settings", objectName="pageTitle"))
        inner.addLayout(form)
        inner.addWidget(_section("Kegbot API keys"))
        inner.addWidget(hint("A user has one live key: a new one revokes their earlier keys."))
        inner.addWidget(self.api_keys)
        inner.addLayout(left_row(QLabel("for"), self.api_key_user, self.create_api_key_button,
                                 self.revoke_button))
        inner.addWidget(_section("Beekeeping licence keys"))
        inner.addWidget(self.license_keys)
        inner.addLayout(left_row(QLabel("for"), self.license_owner, self.create_license_button,
                                 self.toggle_license_button))
        inner.addWidget(self.new_key)
        inner.addStretch(1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)

        apply_bar = QFrame(objectName="applyBar")
        bar = QHBoxLayout(apply_bar)
        bar.addWidget(self.pending, 1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(scroll, 1)
        layout.addWidget(apply_bar)
        self.message = Banner(scroll)  # over the form, not over the Apply bar
        self._edited()

        self.units.currentIndexChanged.connect(
            lambda _: self._set_pref(prefs.set_units, self.units.currentData()))
        self.theme.currentIndexChanged.connect(
            lambda _: self._set_pref(prefs.set_theme, self.theme.currentData()))
        self.privacy.currentIndexChanged.connect(self._name_privacy_default)
        self._name_privacy_default()
        self.members.told.connect(self.show_message)
        self.members.changed.connect(self._read)
        prefs.changed.connect(self._on_prefs)
        self.apply_button.clicked.connect(self.apply)
        self.revert_button.clicked.connect(self.revert)
        self.restart_button.clicked.connect(self.restart)
        self.create_api_key_button.clicked.connect(self.create_api_key)
        self.revoke_button.clicked.connect(self.revoke_api_key)
        self.create_license_button.clicked.connect(self.create_license_key)
        self.toggle_license_button.clicked.connect(self.toggle_license_key)
        self.reload()

    # --- reading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read everything again (the database changed under the window); a new key shown once
        goes."""
        self.new_key.clear()
        self._read()

    def _read(self) -> None:
        """Read the site settings, users and keys, off the GUI thread; fields being edited keep
        what the operator typed."""
        keys = [field.key for field in self.fields]
        self._reads += 1
        asked = self._reads
        self.runner.submit(lambda: StoredState(get_settings(*keys), active_usernames(),
                                               pending_accounts(), api_key_rows(),
                                               apiary_views.license_key_rows()),
                           lambda state: self._show_stored(asked, state))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._read()  # what another window or ``kegdash admin setting`` changed meanwhile
        super().showEvent(event)

    def _show_stored(self, asked: int, state: StoredState) -> None:
        """Show a read unless a newer one was asked for: reads run on a pool of threads and can
        finish out of order, and an older state must not overwrite a newer one."""
        if asked != self._reads:
            return
        units = self.prefs.units
        edited = {f.key for f in self.fields if f.key in self.stored and f.differs(self.stored[f.key], units)}
        self.users = state.users
        for combo in (self.operator, self.api_key_user, self.license_owner):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for name in state.users:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)
        self.stored = dict(state.settings)
        for field in self.fields:
            if field.key not in edited:
                field.widget.blockSignals(True)
                field.show(self.stored[field.key], units)
                field.widget.blockSignals(False)
        self._shown_units = units
        self.members.show_pending(state.pending)
        self._show_keys(state.api_keys, state.license_keys)
        self._edited()
        self.loaded.emit()

    def _show_keys(self, api_keys: list[Any], license_keys: list[Any]) -> None:
        _fill(self.api_keys, [(r.key_id, (r.username, f"{r.prefix}…", fmt.local_time(r.created),
                                          fmt.local_time(r.revoked) if r.revoked else ""))
                              for r in api_keys])
        _fill(self.license_keys, [(r.key_id, (r.owner, f"{r.prefix}…", fmt.local_time(r.created),
                                              "enabled" if r.enabled else "disabled"))
                                  for r in license_keys])

    def _name_privacy_default(self, *_: object) -> None:
        """The unset "Who may join" names what it means under the privacy mode being shown."""
        policy = BY_PRIVACY[self.privacy.currentData()]
        self.registration.setItemText(0, f"By API privacy: {policy.capitalize()}")

    def set_server(self, text: str) -> None:
        self.server.setText(text)

    # --- the window's preferences --------------------------------------------------------------

    def _set_pref(self, store: Callable[[str], None], value: str) -> None:
        store(value)
        self.show_message("Saved.")

    def _on_prefs(self, key: str) -> None:
        """New units: every unit field shows the same quantities in the new units, edits kept."""
        if key != "units":
            return
        old, new = self._shown_units, self.prefs.units
        for field in self.fields:
            if field.quantity is None or field.key not in self.stored:
                continue
            value = field.read(old)
            field.widget.blockSignals(True)
            field.show(value, new)
            field.widget.blockSignals(False)
        self._shown_units = new
        self._edited()

    # --- site settings: edit, apply, revert ----------------------------------------------------

    def edited_fields(self) -> list[SiteField]:
        units = self._shown_units
        return [f for f in self.fields if f.key in self.stored and f.differs(self.stored[f.key], units)]

    def _edited(self, *_: object) -> None:
        edited = self.edited_fields()
        self.apply_button.setEnabled(bool(edited))
        self.revert_button.setEnabled(bool(edited))
        self.pending.setText(
            f"{plural(len(edited), 'change')} not applied yet: {', '.join(f.label for f in edited)}"
            if edited else "The bar's and the hives' settings take effect when you apply them.")

    def revert(self) -> None:
        """Put the stored values back in the fields."""
        units = self._shown_units
        for field in self.fields:
            if field.key in self.stored:
                field.widget.blockSignals(True)
                field.show(self.stored[field.key], units)
                field.widget.blockSignals(False)
        self._edited()

    def apply(self) -> None:
        """Store every edited field, on the task runner; the values were checked first (ranges,
        the brood band's order), so a refusal here is the database's."""
        units = self._shown_units
        changes = {f.key: f.read(units) for f in self.edited_fields()}
        if not changes:
            return
        low = changes.get("hive_brood_min_c", self.stored["hive_brood_min_c"])
        high = changes.get("hive_brood_max_c", self.stored["hive_brood_max_c"])
        if low >= high:
            self.show_message(f"The brood nest's lower limit ({self.brood_min.text()}) must be below "
                              f"its upper limit ({self.brood_max.text()}); nothing was applied.",
                              "error")
            return
        if "hive_brood_max_c" in changes and low >= self.stored["hive_brood_max_c"]:
            # Raising the band: the upper edge first, so the stored pair stays in order.
            changes = {"hive_brood_max_c": changes.pop("hive_brood_max_c"), **changes}

        def store() -> None:
            # One by one, each committed: a setting's change event goes out as it is written,
            # and a page that reads the setting on that event must find it stored.
            for key, value in changes.items():
                set_setting(key, value)

        self.apply_button.setEnabled(False)
        self.runner.submit(store, lambda _: self._applied(), self._refused)

    def _applied(self) -> None:
        self.show_message("Saved.")
        self._read()

    def _refused(self, error: BaseException) -> None:
        self._edited()
        self.show_message(str(error), "error")

    # --- actions -------------------------------------------------------------------------------

    def restart(self) -> None:
        """Move the API to the address in the form; if it cannot be had, the old one keeps serving."""
        self.show_message(*self.move_server(self.host.text().strip(), self.port.value()))

    def move_server(self, host: str, port: int) -> tuple[str, str]:
        """Serve the API on ``host:port`` and keep that address for the next start; (what
        happened, "info" or "error")."""
        try:
            url = self.restart_server(host, port)
        except ServerError as exc:
            return f"{exc}. The server keeps running on {self.server.text()}.", "error"
        self.host.setText(host)
        self.port.setValue(port)
        self.server_changed.emit(url)
        try:
            path = save_server_address(host, port)
        except ConfigError as exc:
            return (f"API server now listening on {url}, but the address was not saved for the "
                    f"next start: {exc}."), "error"
        winners = _overrides(self.settings)
        note = f" ({' and '.join(winners)} will still override it)" if winners else ""
        return f"API server now listening on {url}; saved in {path} for the next start{note}.", "info"

    def _change_keys(self, change: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Change keys off the GUI thread (the database's writer may be busy with pours), then
        read the page again, done or refused, so the tables show what is stored and no read
        begun before the change can bring the old lists back."""
        def changed(result: Any) -> None:
            done(result)
            self._read()

        def refused(error: BaseException) -> None:
            self.show_message(str(error), "error")
            self._read()

        self.runner.submit(change, changed, refused)

    def _show_new_key(self, what: str, key: str) -> None:
        """Show a new key where the operator sees it: it is shown only this once, at the foot of
        the page, below what may be in view. Scrolled to once the layout has placed it; no banner
        is shown, as it would sit over the key."""
        self.new_key.show_key(what, key)
        QTimer.singleShot(0, lambda: self.scroll.ensureWidgetVisible(self.new_key))

    def create_api_key(self) -> None:
        user = self.api_key_user.currentData()
        if user is None:
            self.show_message("Create a user first: kegdash admin create-user NAME.", "error")
            return

        self._change_keys(lambda: key_admin.create_api_key(user),
                          lambda key: self._show_new_key(f"New API key for {user}", key))

    def revoke_api_key(self) -> None:
        key_id = _selected_id(self.api_keys)
        if key_id is None:
            self.show_message("Select an API key first.", "error")
            return
        row = self.api_keys.currentRow()
        who, prefix = self.api_keys.item(row, 0).text(), self.api_keys.item(row, 1).text()
        if not self.confirm(f"Revoke {who}'s API key {prefix}?",
                            "Programs using it are refused from now on.", "Revoke key", "Keep key"):
            return
        self._change_keys(lambda: key_admin.revoke_api_key(key_id),
                          lambda _: self.show_message("API key revoked."))

    def create_license_key(self) -> None:
        owner = self.license_owner.currentData()
        if owner is None:
            self.show_message("Create a user first: kegdash admin create-user NAME.", "error")
            return

        self._change_keys(lambda: apiary_registry.create_license_key(owner),
                          lambda key: self._show_new_key(f"New licence key for {owner}", key))

    def toggle_license_key(self) -> None:
        key_id = _selected_id(self.license_keys)
        if key_id is None:
            self.show_message("Select a licence key first.", "error")
            return

        def toggle() -> bool:
            enabled = next(r.enabled for r in apiary_views.license_key_rows() if r.key_id == key_id)
            apiary_registry.set_license_enabled(key_id, not enabled)
            return not enabled

        self._change_keys(toggle, lambda enabled: self.show_message(
            f"Licence key {'enabled' if enabled else 'disabled'}."))

    def confirm(self, question: str, detail: str, do: str, keep: str) -> bool:
        """Ask before a change that cannot be undone; tests replace this."""
        return ask(self, question, detail, do, keep)

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.show_message(text, kind)
