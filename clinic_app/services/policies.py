"""Load the policy files from ``resources/policies`` into a checked `PolicyBook`."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any

from clinic_app.domain.policy import (
    Policy,
    PolicyBook,
    PolicyError,
    merge_overlay,
    policy_from_mapping,
)
from clinic_app.errors import BadInput
from clinic_app.resources import resource_path


def policy_dir() -> Path:
    return resource_path("policies")


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"政策文件格式错误 {path.name}: {exc}", f"policy file {path.name} is not valid TOML: {exc}") from None


def load_book(folder: Path | None = None) -> PolicyBook:
    """Read every ``*.toml`` in the folder, lay overlays over their bases, check them all."""
    folder = folder or policy_dir()
    raw: dict[str, tuple[Path, dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.toml")):
        data = _read(path)
        policy_id = data.get("id")
        if not isinstance(policy_id, str):
            raise _bad(PolicyError(path.name, "id", "missing"))
        if policy_id != path.stem:
            raise _bad(PolicyError(path.name, "id", f"{policy_id!r} differs from the file name"))
        raw[policy_id] = (path, data)
    policies: dict[str, Policy] = {}
    for policy_id, (path, data) in raw.items():
        merged = data
        base_id = data.get("base")
        if base_id is not None:
            if base_id not in raw:
                raise _bad(PolicyError(path.name, "base", f"unknown policy {base_id!r}"))
            base_data = dict(raw[base_id][1])
            base_data.pop("base", None)
            merged = merge_overlay(base_data, data)
        try:
            policies[policy_id] = policy_from_mapping(merged, path.name)
        except PolicyError as exc:
            raise _bad(exc) from None
    for policy in policies.values():
        for ref in (policy.base, policy.employee_policy):
            if ref is not None and ref not in policies:
                raise _bad(PolicyError(f"{policy.id}.toml", "base/employee_policy", f"unknown policy {ref!r}"))
    return PolicyBook(policies)


def _bad(exc: PolicyError) -> BadInput:
    return BadInput(
        f"政策文件有误: {exc.origin} 字段 {exc.field_name}: {exc.problem}",
        f"policy file error: {exc.origin}: field {exc.field_name}: {exc.problem}",
    )


@functools.cache
def default_book() -> PolicyBook:
    return load_book()


@functools.cache
def policy_version(policy_id: str) -> str:
    """A short fingerprint of the policy file as loaded (and of its base, for an overlay)."""
    import hashlib

    digest = hashlib.sha256()
    book = default_book()
    policy = book[policy_id]
    for pid in filter(None, (policy.base, policy.id)):
        digest.update((policy_dir() / f"{pid}.toml").read_bytes())
    return digest.hexdigest()[:12]


def counter_pool(policy_id: str, book: PolicyBook | None = None) -> str:
    """The usage counter a policy's fund counts against: an overlay shares its base's."""
    policy = (book or default_book())[policy_id]
    return policy.base or policy.id


def pool_or_own(book: PolicyBook, policy_id: str) -> str:
    """The counter pool of a policy id as a file or statement names it: `counter_pool` for a policy
    of `book`; an id the book does not know (a newer program's policy) stands as its own pool.
    What `store.township.PoolOf` asks for: ``functools.partial(pool_or_own, book)``."""
    return counter_pool(policy_id, book) if policy_id in book else policy_id


def pooling_region(book: PolicyBook, policy_id: str) -> frozenset[str]:
    """A pooling region's policies: the resident policy, its overlays (the reform), the city's employee
    policy.  A township takes a village's statement under any of them; the clinic's policy moves only
    within them once it has settled (`ClinicSession.update_clinic`)."""
    pool = pool_or_own(book, policy_id)
    members = {p.id for p in book.policies.values() if (p.base or p.id) == pool}
    members |= {e for m in members if (e := book[m].employee_policy) is not None and e in book}
    return frozenset(members)


def reform_over(policy_id: str, book: PolicyBook | None = None) -> Policy | None:
    """The reform laid over `policy_id`, which a clinic in the pilot settles by; None: no pilot to join.

    `ClinicSession.visit_policy_id` settles by it; the 设置 and wizard checkbox shows only where it counts.
    """
    for policy in (book or default_book()).policies.values():
        if policy.base == policy_id and policy.reform is not None:
            return policy
    return None
