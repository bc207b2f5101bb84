"""The desktop app: PySide6 screens over the services (see app.py for the start-up).

Importing the package first checks that the Qt binding is sound and shortens its look at each
module imported after it (see `compat`), before the app's own modules are imported.
"""

from clinic_app.ui import compat as _compat

_compat.check_binding()
_compat.quicker_feature_scan()
