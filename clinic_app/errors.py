"""The one family of errors a user can fix, each with a bilingual message.

Everything that is not a `UserError` is a bug: logged with its traceback and
shown by the crash dialog (UI) or exit status 1 (CLI).
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix: bad input, a wrong file, a locked database.

    `exit_code` 2 means bad input (CLI.md), 1 any other failure.
    """

    exit_code = 1

    def __init__(self, zh: str, en: str | None = None) -> None:
        super().__init__(zh if en is None else f"{zh} / {en}")
        self.zh = zh
        self.en = en or zh

    def message(self, language: str = "zh") -> str:
        return self.en if language == "en" else self.zh

    def bilingual(self) -> str:
        return self.zh if self.en == self.zh else f"{self.zh} / {self.en}"


class BadInput(UserError):
    """Input that does not fit its form (a field, a file, an argument)."""

    exit_code = 2
