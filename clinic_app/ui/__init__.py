"""The desktop app: PySide6 screens over the services (see app.py for the start-up).

Importing the package first checks that the Qt binding is sound (see `compat`).
"""

from clinic_app.ui import compat as _compat

_compat.check_binding()
