"""A month's statement records, read from a real ledger: each entry as it was settled, a reversal
stated with the lines and amounts of the visit it reverses, whether that visit is of the same
month or an earlier one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.services.statements import statement_data
from clinic_app.store.ledger import EntryFilter
from tests.store.template import Ledger, opened


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


def test_a_month_states_its_visits_and_reversals_with_the_reversed_visits_lines(clinic: Ledger) -> None:
    session = clinic.session
    august = session.settle(clinic.request("signed_here", "2025-08-20T09:00:00", "YP0001*2", "YP0009"))
    first = session.settle(clinic.request("signed_here", "2025-09-02T09:00:00", "YP0001"))
    second = session.settle(clinic.request("unsigned_here", "2025-09-03T10:00:00", "YP0009*3"))
    session.void(august.entry.id, "收费有误", clinic.operator, dt.datetime(2025, 9, 4, 8, 0))
    session.void(first.entry.id, "重复录入", clinic.operator, dt.datetime(2025, 9, 5, 8, 0))

    data = statement_data(session, "2025-09", today=dt.date(2025, 10, 1))

    assert [v.settlement_id for v in data.visits] == [
        first.entry.setl_id, second.entry.setl_id, data.visits[2].settlement_id, data.visits[3].settlement_id,
    ]
    assert [v.reversal_of for v in data.visits] == [None, None, august.entry.setl_id, first.entry.setl_id]
    # A reversal keeps the reversed visit's number and states its lines and amounts, signed by `sign`.
    for stated, settled in zip(data.visits, (first, second, august, first), strict=True):
        assert stated.visit_id == settled.entry.mdtrt_id
        assert [(c.name, c.quantity, c.unit_price, c.amount) for c in stated.lines] == [
            (line.name, Decimal(line.quantity), line.unit_price, line.amount + line.waived) for line in settled.lines
        ]
        assert stated.adjudication.fund == settled.adjudication.fund
        assert stated.adjudication.patient == settled.adjudication.patient
        assert [r.code for r in stated.adjudication.reasons] == [r.code for r in settled.adjudication.reasons]
        assert [ln.fund for ln in stated.adjudication.lines] == [ln.fund for ln in settled.adjudication.lines]
    # August's visit: 2 and 1 lines besides the consultation fee, all three read back.
    assert len(data.visits[2].lines) == 3
    assert Money(sum(v.adjudication.fund.fen * v.sign for v in data.visits)) == second.adjudication.fund - august.adjudication.fund
    assert data.chain.count == 4 and data.chain.last_hash == session.entries(EntryFilter(), 0, 1)[0].hash
