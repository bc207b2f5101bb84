"""Where the app's read-only resources live, in a checkout, a wheel or a bundle.

The design card keeps ``resources/`` at the top of the repository; the wheel
maps it to ``clinic_app/resources`` (hatchling force-include) and the
PyInstaller spec does the same.  This one function finds it either way.
"""

from __future__ import annotations

import functools
from importlib import resources as importlib_resources
from pathlib import Path


@functools.cache
def resource_root() -> Path:
    packaged = Path(str(importlib_resources.files("clinic_app"))) / "resources"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"clinic_app resources not found (looked in {packaged} and {checkout})")


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)
