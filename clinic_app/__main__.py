"""`python -m clinic_app` runs the same entry point as `clinic-app`."""

import sys

from clinic_app.main import main

sys.exit(main())
