"""The Settings page's "Waiting to join": accounts that registered themselves and wait for the
operator, each with Admit and Refuse buttons.

The page reads the list with its other stored values (``show_pending``); an Admit or Refuse runs
on the task runner, and ``changed`` then asks the page to read everything again, since a refused
account also leaves the page's lists of active users.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kegdash.accounts import admission
from kegdash.accounts.admission import PendingAccount
from kegdash.accounts.users import AccountError
from kegdash.accounts.views import Principal
from kegdash.ui.dialogs import ask
from kegdash.ui.layouts import hint
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.words import moment

log = logging.getLogger(__name__)

NOBODY = "Nobody is waiting."
COLUMNS = 5
"""Name, e-mail, when registered, Admit, Refuse."""


def _words(verb: str, username: str, error: BaseException) -> str:
    """Why ``username`` could not be admitted or refused, in the accounts' own words (taken by
    another window meanwhile, say); anything else is a fault, logged in full."""
    if isinstance(error, AccountError):
        return f"Could not {verb} {username}: {error}."
    log.error("could not %s %s: %s", verb, username, error, exc_info=error)
    return f"Could not {verb} {username}; see the log for details."


class MembersPanel(QWidget):
    """One row per pending account: name, e-mail, when it registered, Admit, Refuse…."""

    told = Signal(str, str)
    """What happened, and "info" or "error", for the page's banner."""
    changed = Signal()
    """An admission was made or refused (or failed): the stored state is worth reading again."""

    def __init__(self, runner: TaskRunner) -> None:
        super().__init__()
        self.runner = runner
        self.buttons: dict[str, tuple[QPushButton, QPushButton]] = {}
        """Each listed account's (Admit, Refuse) buttons, by username."""
        self.empty = hint(NOBODY)
        self.rows = QWidget()
        self.grid = QGridLayout(self.rows)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(COLUMNS, 1)  # an empty column past the buttons: rows keep left
        self.at_once = hint("Admit and Refuse take effect at once, without Apply.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.rows)
        layout.addWidget(self.at_once)
        self.show_pending([])

    def show_pending(self, accounts: list[PendingAccount]) -> None:
        """List ``accounts`` (oldest first), or say that nobody is waiting."""
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        self.buttons = {}
        for row, account in enumerate(accounts):
            admit = QPushButton("Admit")
            refuse = QPushButton("Refuse…")
            admit.clicked.connect(lambda _=False, name=account.username: self.admit(name))
            refuse.clicked.connect(lambda _=False, name=account.username: self.refuse(name))
            cells = (QLabel(account.username), hint(account.email or "no e-mail"),
                     hint(f"registered {moment(account.joined)}"), admit, refuse)
            for column, cell in enumerate(cells):
                self.grid.addWidget(cell, row, column)
            self.buttons[account.username] = (admit, refuse)
        self.empty.setVisible(not accounts)
        self.rows.setVisible(bool(accounts))
        self.at_once.setVisible(bool(accounts))

    def admit(self, username: str) -> None:
        """Make ``username`` a member."""
        self._act("admit", username, admission.admit, f"{username} is a member now.")

    def refuse(self, username: str) -> None:
        """Turn ``username`` away, once the operator confirms: the account is deactivated."""
        if self.confirm(f"Refuse {username}?",
                        "Their account is deactivated: they can no longer log in, and their "
                        "keys and tokens stop working. To let them in after all, run "
                        f"“kegdash admin admit {username}”.",
                        "Refuse", "Keep waiting"):
            self._act("refuse", username, admission.refuse,
                      f"{username} was refused; the account is deactivated.")

    def _act(self, verb: str, username: str, change: Callable[[str], Principal], done: str) -> None:
        for button in self.buttons.get(username, ()):
            button.setEnabled(False)  # one click, one change; the list is read again after it
        self.runner.submit(lambda: change(username), lambda _: self._done(done),
                           lambda error: self._failed(_words(verb, username, error)))

    def _done(self, text: str) -> None:
        self.told.emit(text, "info")
        self.changed.emit()

    def _failed(self, text: str) -> None:
        self.told.emit(text, "error")
        self.changed.emit()

    def confirm(self, question: str, detail: str, do: str, keep: str) -> bool:
        """Ask before turning someone away; tests replace this."""
        return ask(self, question, detail, do, keep)
