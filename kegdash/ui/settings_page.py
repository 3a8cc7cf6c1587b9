"""Settings: the window's own preferences (units, theme; this machine), the site-wide rules the
APIs enforce and the hive alert thresholds (stored in the database so a running ``kegdash serve``
and every window agree), the API server's address (movable while running, and written to the
config file for the next start), and the keys that let others in: Kegbot API keys and Beekeeping
licence keys. Every change is saved at once; a new key is shown once, with a Copy button, since
only its fingerprint is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
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
from kegdash.accounts.views import active_usernames, api_key_rows
from kegdash.apiary import registry as apiary_registry
from kegdash.apiary import views as apiary_views
from kegdash.config import UNITS, ConfigError, Settings, config_path, save_server_address
from kegdash.server.runner import ServerError
from kegdash.site_settings import BOUNDS, PRIVACY_MODES, get_setting, set_setting
from kegdash.ui.layouts import hint, left_row
from kegdash.ui.prefs import THEMES, Prefs
from kegdash.ui.table_model import read_only_table

UNIT_NAMES = {"metric": "Metric (L, °C, kg)", "us": "US (fl oz, gal, °F, lb)"}
PRIVACY_NAMES = {"public": "Public — anyone may read the API",
                 "members": "Members — every request needs an API key",
                 "staff": "Staff — only staff keys"}
API_KEY_COLUMNS = ("User", "Key", "Created", "Revoked")
LICENSE_COLUMNS = ("Owner", "Key", "Created", "State")


def _combo(choices: dict[str, str] | tuple[str, ...], current: str) -> QComboBox:
    combo = QComboBox()
    items = choices.items() if isinstance(choices, dict) else ((c, c.capitalize()) for c in choices)
    for value, label in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


def _spin(key: str, suffix: str, decimals: int = 0, step: float = 1) -> QSpinBox | QDoubleSpinBox:
    """A field for a numeric site setting, limited to its bounds; it saves when editing is done
    (Enter, focus out, arrows), not at every keystroke."""
    spin = QDoubleSpinBox(decimals=decimals, singleStep=step) if decimals else QSpinBox()
    spin.setRange(*BOUNDS[key])
    spin.setSuffix(suffix)
    spin.setKeyboardTracking(False)
    return spin


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

    def __init__(self, prefs: Prefs, server: str, database: str, settings: Settings | None = None,
                 restart_server: Callable[[str, int], str] | None = None) -> None:
        """``restart_server(host, port)`` moves the running API and returns its address, or
        raises ServerError with the old server still serving; without it the address is fixed."""
        super().__init__()
        settings = settings or Settings()
        self.prefs = prefs
        self.settings = settings
        self.restart_server = restart_server
        self.units = _combo({u: UNIT_NAMES[u] for u in UNITS}, prefs.units)
        self.theme = _combo(THEMES, prefs.theme)
        self.privacy = _combo({m: PRIVACY_NAMES[m] for m in PRIVACY_MODES}, get_setting("privacy"))
        self.session_timeout = QSpinBox(minimum=1, maximum=7 * 24 * 60, suffix=" min")
        self.session_timeout.setValue(get_setting("session_timeout_minutes"))
        self.low_keg = QSpinBox(minimum=0, maximum=100, suffix=" %")
        self.low_keg.setValue(round(get_setting("low_keg_fraction") * 100))
        self.operator = QComboBox()
        self.brood_min = _spin("hive_brood_min_c", "", decimals=1, step=0.5)
        self.brood_max = _spin("hive_brood_max_c", "", decimals=1, step=0.5)
        self.swarm_drop = _spin("hive_swarm_drop_kg", "", decimals=2, step=0.1)
        self.swarm_window = _spin("hive_swarm_window_minutes", " min")
        self.silent_hours = _spin("hive_silent_hours", " h", decimals=2, step=0.25)
        self.battery_low = _spin("hive_battery_low_percent", " %")

        self.server = QLabel(server)
        self.server.setWordWrap(True)
        self.host = QLineEdit(settings.host)
        self.port = QSpinBox(minimum=0, maximum=65535)
        self.port.setValue(settings.port)
        self.restart_button = QPushButton("Restart server here")
        self.restart_button.setEnabled(restart_server is not None)
        self.address_hint = hint(
            f"A new address is kept for the next start in {config_path()} ([server] host and port); "
            "KEGDASH_HOST, KEGDASH_PORT, --host and --port still win over it.")
        self.database = QLabel(database)
        self.database.setWordWrap(True)

        self.api_keys = read_only_table(API_KEY_COLUMNS, min_height=140)
        self.api_key_user = QComboBox()
        self.create_api_key_button = QPushButton("Create key")
        self.revoke_button = QPushButton("Revoke selected")
        self.license_keys = read_only_table(LICENSE_COLUMNS, min_height=140)
        self.license_owner = QComboBox()
        self.create_license_button = QPushButton("Create licence key")
        self.toggle_license_button = QPushButton("Enable / disable selected")
        self.new_key = NewKeyBox()
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.message.hide()

        form = QFormLayout()
        form.addRow(QLabel("This window", objectName="pageTitle"))
        form.addRow("Units", self.units)
        form.addRow("Theme", self.theme)
        form.addRow(QLabel("Site (all APIs and windows)", objectName="pageTitle"))
        form.addRow("API privacy", self.privacy)
        form.addRow("Drinking session ends after", self.session_timeout)
        form.addRow("Low keg below", self.low_keg)
        form.addRow("Operator account", self.operator)
        form.addRow(QLabel("Hive alerts (every hive)", objectName="pageTitle"))
        form.addRow("Brood nest kept between", left_row(self.brood_min, QLabel("and"), self.brood_max))
        form.addRow("Possible swarm: a drop of", left_row(self.swarm_drop, QLabel("within"),
                                                          self.swarm_window))
        form.addRow("Hive silent after", self.silent_hours)
        form.addRow("Sensor battery low below", self.battery_low)
        form.addRow("", hint(
            "Rules of thumb: the brood nest stays at 34–36 °C; a swarm takes 2–3 kg of bees within "
            "minutes, while a scale drifts a few hundred grams a day; sensors report every 5–15 min."))
        form.addRow(QLabel("API server", objectName="pageTitle"))
        form.addRow("Listening on", self.server)
        address = QHBoxLayout()
        address.addWidget(self.host, 1)
        address.addWidget(QLabel("port"))
        address.addWidget(self.port)
        address.addWidget(self.restart_button)
        form.addRow("Move to", address)
        form.addRow("", self.address_hint)
        form.addRow("Database", self.database)

        keys = QVBoxLayout()
        keys.addWidget(QLabel("Kegbot API keys", objectName="pageTitle"))
        keys.addWidget(QLabel("A user has one live key: a new one revokes their earlier keys.",
                              objectName="hint"))
        keys.addWidget(self.api_keys)
        keys.addLayout(left_row(QLabel("for"), self.api_key_user, self.create_api_key_button,
                                self.revoke_button))
        keys.addWidget(QLabel("Beekeeping licence keys", objectName="pageTitle"))
        keys.addWidget(self.license_keys)
        keys.addLayout(left_row(QLabel("for"), self.license_owner, self.create_license_button,
                                self.toggle_license_button))
        keys.addWidget(self.new_key)

        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(QLabel("Settings", objectName="pageTitle"))
        inner.addWidget(self.message)
        inner.addLayout(form)
        inner.addLayout(keys)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.reload()

        self.units.currentIndexChanged.connect(
            lambda _: self._save(prefs.set_units, self.units.currentData()))
        self.theme.currentIndexChanged.connect(
            lambda _: self._save(prefs.set_theme, self.theme.currentData()))
        self.privacy.currentIndexChanged.connect(
            lambda _: self._save_site("privacy", self.privacy.currentData()))
        self.session_timeout.valueChanged.connect(
            lambda value: self._save_site("session_timeout_minutes", value))
        self.low_keg.valueChanged.connect(lambda value: self._save_site("low_keg_fraction", value / 100))
        self.operator.currentIndexChanged.connect(self._save_operator)
        self.brood_min.valueChanged.connect(lambda _: self._save_brood("hive_brood_min_c"))
        self.brood_max.valueChanged.connect(lambda _: self._save_brood("hive_brood_max_c"))
        self.swarm_drop.valueChanged.connect(
            lambda value: self._save_hive("hive_swarm_drop_kg", self._kg(value)))
        for spin, key in ((self.swarm_window, "hive_swarm_window_minutes"),
                          (self.silent_hours, "hive_silent_hours"),
                          (self.battery_low, "hive_battery_low_percent")):
            spin.valueChanged.connect(lambda value, key=key: self._save_hive(key, value))
        prefs.changed.connect(lambda key: self.show_hive_rules() if key == "units" else None)
        self.restart_button.clicked.connect(self.restart)
        self.create_api_key_button.clicked.connect(self.create_api_key)
        self.revoke_button.clicked.connect(self.revoke_api_key)
        self.create_license_button.clicked.connect(self.create_license_key)
        self.toggle_license_button.clicked.connect(self.toggle_license_key)

    def reload(self) -> None:
        """Re-read users, keys and hive thresholds (after demo data, or changes made by ``kegdash
        admin``)."""
        names = active_usernames()
        operator = get_setting("operator")
        self.operator.blockSignals(True)
        self.operator.clear()
        for name in ([operator] if operator not in names else []) + names:
            self.operator.addItem(name, name)
        self.operator.setCurrentIndex(max(self.operator.findData(operator), 0))
        self.operator.blockSignals(False)
        for combo in (self.api_key_user, self.license_owner):
            current = combo.currentData()
            combo.clear()
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(combo.findData(current), 0))
        self._show_keys()
        self.show_hive_rules()
        self.new_key.clear()

    def show_hive_rules(self) -> None:
        """Put the stored hive thresholds in the fields, temperatures and weight in the window's
        units (they are stored in °C and kg), without saving anything back."""
        units = self.prefs.units
        fields = (
            (self.brood_min, "hive_brood_min_c", lambda v: fmt.temperature_value(v, units)),
            (self.brood_max, "hive_brood_max_c", lambda v: fmt.temperature_value(v, units)),
            (self.swarm_drop, "hive_swarm_drop_kg", lambda v: fmt.weight_value(v, units)),
            (self.swarm_window, "hive_swarm_window_minutes", None),
            (self.silent_hours, "hive_silent_hours", None),
            (self.battery_low, "hive_battery_low_percent", None),
        )
        for spin, key, convert in fields:
            spin.blockSignals(True)
            if convert is not None:
                spin.setRange(*(convert(v) for v in BOUNDS[key]))
            spin.setValue(convert(get_setting(key)) if convert else get_setting(key))
            spin.blockSignals(False)
        for spin in (self.brood_min, self.brood_max):
            spin.setSuffix(f" {fmt.temperature_unit(units)}")
        self.swarm_drop.setSuffix(f" {fmt.weight_unit(units)}")

    def _show_keys(self) -> None:
        _fill(self.api_keys, [(r.key_id, (r.username, f"{r.prefix}…", fmt.local_time(r.created),
                                          fmt.local_time(r.revoked) if r.revoked else ""))
                              for r in api_key_rows()])
        _fill(self.license_keys, [(r.key_id, (r.owner, f"{r.prefix}…", fmt.local_time(r.created),
                                              "enabled" if r.enabled else "disabled"))
                                  for r in apiary_views.license_key_rows()])

    def set_server(self, text: str) -> None:
        self.server.setText(text)

    # --- actions -------------------------------------------------------------------------------

    def restart(self) -> None:
        """Move the API to the address in the form; if it cannot be had, the old one keeps serving."""
        host, port = self.host.text().strip(), self.port.value()
        try:
            url = self.restart_server(host, port)
        except ServerError as exc:
            self.show_message(f"{exc}. The server keeps running on {self.server.text()}.", "error")
            return
        self.server_changed.emit(url)
        try:
            path = save_server_address(host, port)
        except ConfigError as exc:
            self.show_message(f"API server now listening on {url}, but the address was not saved for "
                              f"the next start: {exc}.", "error")
            return
        winners = _overrides(self.settings)
        note = f" ({' and '.join(winners)} will still override it)" if winners else ""
        self.show_message(f"API server now listening on {url}; saved in {path} for the next start{note}.")

    def create_api_key(self) -> None:
        user = self.api_key_user.currentData()
        if user is None:
            self.show_message("Create a user first (kegdash admin add-user).", "error")
            return
        key = key_admin.create_api_key(user)
        self._show_keys()
        self.new_key.show_key(f"New API key for {user}", key)
        self.show_message(f"API key created for {user}.")

    def revoke_api_key(self) -> None:
        key_id = _selected_id(self.api_keys)
        if key_id is None:
            self.show_message("Select an API key first.", "error")
            return
        if not self.confirm("Revoke this API key? Programs using it are refused from now on."):
            return
        key_admin.revoke_api_key(key_id)
        self._show_keys()
        self.show_message("API key revoked.")

    def create_license_key(self) -> None:
        owner = self.license_owner.currentData()
        if owner is None:
            self.show_message("Create a user first (kegdash admin add-user).", "error")
            return
        key = apiary_registry.create_license_key(owner)
        self._show_keys()
        self.new_key.show_key(f"New licence key for {owner}", key)
        self.show_message(f"Licence key created for {owner}.")

    def toggle_license_key(self) -> None:
        key_id = _selected_id(self.license_keys)
        if key_id is None:
            self.show_message("Select a licence key first.", "error")
            return
        enabled = next(r.enabled for r in apiary_views.license_key_rows() if r.key_id == key_id)
        apiary_registry.set_license_enabled(key_id, not enabled)
        self._show_keys()
        self.show_message(f"Licence key {'disabled' if enabled else 'enabled'}.")

    def confirm(self, text: str) -> bool:
        """Ask before a change that cannot be undone; tests replace this."""
        return QMessageBox.question(self, "kegdash", text) == QMessageBox.StandardButton.Yes

    def _celsius(self, value: float) -> float:
        return round(fmt.celsius_from(value, self.prefs.units), 2)

    def _kg(self, value: float) -> float:
        return round(fmt.kg_from(value, self.prefs.units), 3)

    def _save_brood(self, key: str) -> None:
        """The brood band's edges, refused (and put back) unless the lower is below the upper."""
        low, high = self._celsius(self.brood_min.value()), self._celsius(self.brood_max.value())
        if low >= high:
            refusal = (f"The brood nest's lower limit ({self.brood_min.text()}) must be below its upper "
                       f"limit ({self.brood_max.text()}); both are kept as they were.")
            self.show_hive_rules()
            self.show_message(refusal, "error")
            return
        self._save_hive(key, low if key == "hive_brood_min_c" else high)

    def _save_hive(self, key: str, value: float) -> None:
        """Store one threshold (the Hives page redraws on the change event), clamped into its
        bounds against unit-conversion rounding; the fields then show what is stored."""
        low, high = BOUNDS[key]
        self._save_site(key, min(max(value, low), high))
        self.show_hive_rules()

    def _save_operator(self) -> None:
        self._save_site("operator", self.operator.currentData())

    def _save_site(self, key: str, value: Any) -> None:
        self._save(lambda v: set_setting(key, v), value)

    def _save(self, store: Callable[[Any], None], value: Any) -> None:
        """Store one value; a refusal is shown on the page and the stored value stays."""
        try:
            store(value)
        except (ValueError, KeyError) as exc:
            self.show_message(str(exc), "error")
        else:
            self.show_message("Saved.")

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.setProperty("kind", kind)
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()
