"""The fingerprint check before a signing key is trusted: one dialog for both directions.

A township meets a village's key on its first statement; a village meets the
township's key on its first usage snapshot.  Either way the person compares the
fingerprint shown with the one printed on paper (or read out on the phone), and
trusting takes a deliberate click: Enter and Esc both answer 不信任.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QVBoxLayout, QWidget


class KeyCheckDialog(QDialog):
    """Show a key's fingerprint large, with what to compare it with; accepted = trusted."""

    def __init__(
        self,
        title: str,
        who: str,
        fingerprint: str,
        instruction: str,
        parent: QWidget | None = None,
        *,
        fingerprint_label: str | None = None,
        accept_text: str | None = None,
        extra: QLayout | None = None,
    ) -> None:
        """`extra` (fields a replacement asks for) goes above the buttons; `accept_text` names the
        deliberate button (信任此密钥 by default)."""
        super().__init__(parent)
        self.setWindowTitle(title)
        who_label = QLabel(who)
        who_label.setWordWrap(True)
        self.fingerprint = QLabel(fingerprint)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(self.font().pointSize() + 6)
        font.setBold(True)
        self.fingerprint.setFont(font)
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setStyleSheet("padding: 10px; border: 1px solid #8090b0; background: #f4f6fb;")
        self.fingerprint.ensurePolished()  # the padding counts in its size: every group must show
        self.fingerprint.setMinimumWidth(self.fingerprint.sizeHint().width())
        text = QLabel(instruction)
        text.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.trust_button = self.buttons.addButton(
            accept_text or self.tr("信任此密钥(&T)"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(self.tr("不信任"), QDialogButtonBox.ButtonRole.RejectRole)
        # Trusting takes a deliberate click or Alt+T: the trust button never becomes the default,
        # not even while it has the focus (autoDefault), so Enter answers 不信任 as Esc does.
        self.trust_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(who_label)
        layout.addWidget(QLabel(fingerprint_label or self.tr("文件中的密钥指纹:")))
        layout.addWidget(self.fingerprint)
        layout.addWidget(text)
        if extra is not None:
            layout.addLayout(extra)
        layout.addWidget(self.buttons)
        # Never narrower than the whole fingerprint, even where a small screen caps the first size.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        # Only once the buttons are in the dialog: setDefault registers the dialog's main default
        # button through the parent chain, and a focused autoDefault button hands back to it.
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
