"""Where the app's read-only resources live, in a checkout, a wheel or a bundle.

The design card keeps ``resources/`` at the top of the repository; the wheel
maps it to ``clinic_app/resources`` (hatchling force-include) and the
PyInstaller spec does the same.  This one function finds it either way.
"""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def resource_root() -> Path:
    here = Path(__file__).resolve().parent
    # Beside the package (a wheel, the bundle) or at the top of a checkout: found without
    # importlib.resources (~2 ms of the app's start), which is asked only for a package that is
    # not plain files (a zip).
    for found in (here / "resources", here.parent / "resources"):
        if found.is_dir():
            return found
    from importlib import resources as importlib_resources

    packaged = Path(str(importlib_resources.files("clinic_app"))) / "resources"
    if packaged.is_dir():
        return packaged
    raise FileNotFoundError(f"clinic_app resources not found (looked in {here / 'resources'}, {here.parent / 'resources'} and {packaged})")


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)
