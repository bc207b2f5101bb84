"""The bundle's entry script: the same `clinic_app.main.main` as the `clinic-app` command."""

import sys

from clinic_app.main import main

if __name__ == "__main__":
    sys.exit(main())
