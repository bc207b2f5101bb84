"""clinic_app: outpatient ledger and copay engine for village clinics (普通门诊统筹)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clinic-app")
except PackageNotFoundError:  # a bare source tree, not installed
    __version__ = "0.0.0+source"
