"""The desktop app: PySide6 screens over the services (see app.py for the start-up).

Importing the package first applies the binding work-arounds in `compat`.
"""

from clinic_app.ui import compat as _compat  # noqa: F401  (side effect: see compat)
