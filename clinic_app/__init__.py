"""clinic_app: outpatient ledger and copay engine for village clinics (普通门诊统筹)."""

from typing import Any

__version__: str  # set by __getattr__ on first use


def __getattr__(name: str) -> Any:
    # The version is read from the package metadata only when asked for (`--version`,
    # the log): importing importlib.metadata costs ~50 ms of every start-up.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("clinic-app")
    except PackageNotFoundError:  # a bare source tree, not installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
