"""The policy book's loading and fingerprints, and the package of the year (mutation review mut25)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from clinic_app.services.policies import (
    default_book,
    load_book,
    policy_dir,
    policy_version,
    reform_over,
)
from clinic_app.services.session import ClinicSession
from tests.services.test_policies import edit, folder  # noqa: F401  (fixture)
from tests.store.template import opened


def test_an_overlay_s_version_fingerprints_its_base_file_too() -> None:
    """Every visit row keeps the version of the policy it was settled under: a change to the base
    policy's file changes what the reform pays, so the reform's version must move with it."""
    book = default_book()
    (reform,) = [p for p in book.policies.values() if p.base is not None]
    assert reform.base is not None
    own = hashlib.sha256((policy_dir() / f"{reform.id}.toml").read_bytes()).hexdigest()[:12]
    both = hashlib.sha256(b"".join((policy_dir() / f"{pid}.toml").read_bytes() for pid in (reform.base, reform.id)))
    assert policy_version(reform.id) == both.hexdigest()[:12] != own
    base_alone = hashlib.sha256((policy_dir() / f"{reform.base}.toml").read_bytes()).hexdigest()[:12]
    assert policy_version(reform.base) == base_alone


def test_a_year_s_package_is_that_of_the_policy_in_force_in_that_year_not_on_a_day_of_another(
    tmp_path: Path, folder: Path  # noqa: F811
) -> None:
    """Enrolled for 2026 in June 2025 (before the reform): 2026's package is the reform's, in force
    on 1 January 2026, not the base policy's of the enrolment day."""
    reform_file = folder / "shaoyang-resident-reform-2025.toml"
    edit(reform_file, "[sources]", '[family_doctor]\nfee = "50.00"\npublic_health = "20.00"\nfund = "20.00"\npatient = "10.00"\n\n[sources]')
    book = load_book(folder)
    with opened(tmp_path) as lg, ClinicSession(lg.folder, book) as session:
        reform = book[session.visit_policy_id()]
        assert reform.base is not None and reform.family_doctor != book[reform.base].family_doctor
        assert session.package_for(2026, "resident", dt.date(2025, 6, 1)) == reform.family_doctor
        assert session.package_for(2025, "resident", dt.date(2025, 6, 1)) == book[reform.base].family_doctor


def test_an_overlay_without_reform_rules_is_no_reform_pilot_to_join(folder: Path) -> None:  # noqa: F811
    """Only an overlay carrying [reform] is the pilot a clinic joins (the 设置 checkbox, the policy it settles by)."""
    edit(folder / "shaoyang-resident-reform-2025.toml",
         '[reform]\nsigned_only = true\nsigned_elsewhere_unpaid = true\nwaived_kinds = ["consultation"]\nemployee_layering = true\n', "")
    book = load_book(folder)
    overlay = book["shaoyang-resident-reform-2025"]
    assert overlay.base is not None and overlay.reform is None
    assert reform_over(overlay.base, book) is None
    assert reform_over(overlay.base) == default_book()[overlay.id]
