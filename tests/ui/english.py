"""Run a block as the shipped app runs in English: its .qm, its font and size, the context in English."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QApplication

from clinic_app.ui.app import install_fonts, install_translators
from clinic_app.ui.context import AppContext


@contextmanager
def in_english(context: AppContext) -> Iterator[None]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    install_fonts(app)  # the app's point size: widths measured in the test font would be too small
    translators = install_translators(app, "en")
    was, context.language = context.language, "en"
    try:
        yield
    finally:
        context.language = was
        for translator in translators:
            app.removeTranslator(translator)
        app.setFont(font)
