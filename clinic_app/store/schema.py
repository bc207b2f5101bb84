"""The database schema as an ordered list of migrations (PRAGMA user_version).

Migration N brings a database from version N-1 to N.  Never edit a released
migration: add a new one.  Settled ledger rows are protected by triggers, so
even raw SQL cannot UPDATE or DELETE them (a correction is a reversal entry).
"""

from __future__ import annotations

APPEND_ONLY_TABLES = ("visits", "visit_items", "visit_funds", "referrals", "audit_log")


def _append_only(table: str, instead: str = "record a reversal instead") -> str:
    return f"""
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'append-only ledger: {table} rows cannot be changed; {instead}'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, 'append-only ledger: {table} rows cannot be deleted; {instead}'); END;
"""


V1 = """
CREATE TABLE clinic (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('village', 'township')),
    facility_level TEXT NOT NULL,
    township_code TEXT NOT NULL,
    township_name TEXT NOT NULL DEFAULT '',
    policy_id TEXT NOT NULL,
    reform_pilot INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE operators (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'doctor',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE patients (
    id INTEGER PRIMARY KEY,
    psn_no TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sex TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    id_number TEXT UNIQUE,
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    household TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL CHECK (category IN ('resident', 'employee_active', 'employee_retired')),
    pinyin TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX patients_name ON patients(name);
CREATE INDEX patients_phone ON patients(phone);
CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    year INTEGER NOT NULL,
    insured INTEGER NOT NULL DEFAULT 1,
    designated_village TEXT NOT NULL DEFAULT '',
    designated_township TEXT NOT NULL DEFAULT '',
    family_doctor_signed INTEGER NOT NULL DEFAULT 0,
    package_fee_fen INTEGER NOT NULL DEFAULT 0,
    package_public_health_fen INTEGER NOT NULL DEFAULT 0,
    package_fund_fen INTEGER NOT NULL DEFAULT 0,
    package_patient_fen INTEGER NOT NULL DEFAULT 0,
    enrolled_on TEXT,
    health_record INTEGER NOT NULL DEFAULT 0,
    insurance_record INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (patient_id, year)
);
CREATE TABLE catalog (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    spec TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    price_fen INTEGER NOT NULL CHECK (price_fen >= 0),
    kind TEXT NOT NULL,
    coverage TEXT NOT NULL CHECK (coverage IN ('covered', 'specific_list', 'excluded')),
    essential INTEGER NOT NULL DEFAULT 0,
    tender INTEGER NOT NULL DEFAULT 1,
    pinyin TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'reversal', 'reimbursement')),
    reverses_id INTEGER UNIQUE REFERENCES visits(id),
    mdtrt_id TEXT NOT NULL UNIQUE,
    setl_id TEXT NOT NULL UNIQUE,
    receipt_no TEXT NOT NULL UNIQUE,
    receipt_year INTEGER NOT NULL,
    receipt_seq INTEGER NOT NULL,
    time TEXT NOT NULL,
    date TEXT NOT NULL,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    diagnosis TEXT NOT NULL DEFAULT '',
    identity_check TEXT NOT NULL DEFAULT '',
    facility TEXT NOT NULL,
    category TEXT NOT NULL,
    designated INTEGER NOT NULL,
    family_doctor_signed INTEGER NOT NULL,
    emergency INTEGER NOT NULL DEFAULT 0,
    referral INTEGER NOT NULL DEFAULT 0,
    out_of_area INTEGER NOT NULL DEFAULT 0,
    outside_receipt TEXT NOT NULL DEFAULT '',
    policy_id TEXT NOT NULL,
    applied_policy_id TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    total_fen INTEGER NOT NULL,
    waived_fen INTEGER NOT NULL,
    eligible_fen INTEGER NOT NULL,
    deductible_fen INTEGER NOT NULL,
    fund_fen INTEGER NOT NULL,
    patient_fen INTEGER NOT NULL,
    ownpay_fen INTEGER NOT NULL,
    acct_pay_fen INTEGER NOT NULL DEFAULT 0,
    cash_pay_fen INTEGER NOT NULL,
    payment_method TEXT NOT NULL CHECK (payment_method IN ('cash', 'mobile', 'account', 'family_account')),
    account_holder TEXT NOT NULL DEFAULT '',
    reasons_json TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    UNIQUE (receipt_year, receipt_seq)
);
CREATE INDEX visits_date ON visits(date);
CREATE INDEX visits_patient ON visits(patient_id, date);
CREATE TABLE visit_items (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits(id),
    line_no INTEGER NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    coverage TEXT NOT NULL,
    exclusion TEXT,
    quantity TEXT NOT NULL,
    unit_price_fen INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    waived_fen INTEGER NOT NULL,
    eligible_fen INTEGER NOT NULL,
    fund_fen INTEGER NOT NULL,
    patient_fen INTEGER NOT NULL,
    rate TEXT NOT NULL,
    UNIQUE (visit_id, line_no)
);
CREATE TABLE visit_funds (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES visits(id),
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    date TEXT NOT NULL,
    pool TEXT NOT NULL,
    fund_fen INTEGER NOT NULL,
    deductible_fen INTEGER NOT NULL DEFAULT 0,
    deductible_level TEXT NOT NULL DEFAULT '',
    out_of_area INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX visit_funds_usage ON visit_funds(patient_id, pool, date);
CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    visit_id INTEGER REFERENCES visits(id),
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    to_facility TEXT NOT NULL,
    to_level TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE usage_snapshot (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    id_number TEXT NOT NULL,
    facility_code TEXT NOT NULL,
    fund_fen INTEGER NOT NULL,
    computed_on TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (year, id_number, facility_code)
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    operator_id INTEGER,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
""" + "".join(_append_only(t) for t in APPEND_ONLY_TABLES)

# Township mode (EXCHANGE.md): registered clinic keys, imported statements with
# their visits and items, and the review flags.  Imported visit rows are derived
# from a signed file kept whole in `statements.raw`, so a superseded revision's
# rows are removed while its file stays for audit.
V2 = """
CREATE TABLE registered_keys (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('village', 'township')),
    township_code TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    clinic_code TEXT NOT NULL,
    clinic_name TEXT NOT NULL,
    township_code TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    month TEXT NOT NULL,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('current', 'superseded')),
    superseded_by INTEGER REFERENCES statements(id),
    body_sha256 TEXT NOT NULL UNIQUE,
    file_sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    raw BLOB NOT NULL,
    fingerprint TEXT NOT NULL,
    before_hash TEXT NOT NULL,
    last_hash TEXT NOT NULL,
    entry_count INTEGER NOT NULL,
    settlements INTEGER NOT NULL,
    reversals INTEGER NOT NULL,
    medfee_sumamt_fen INTEGER NOT NULL,
    fulamt_ownpay_amt_fen INTEGER NOT NULL,
    inscp_scp_amt_fen INTEGER NOT NULL,
    act_pay_dedc_fen INTEGER NOT NULL,
    hifp_pay_fen INTEGER NOT NULL,
    acct_pay_fen INTEGER NOT NULL,
    psn_cash_pay_fen INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (clinic_code, month, revision)
);
CREATE UNIQUE INDEX statements_current ON statements(clinic_code, month) WHERE status = 'current';
CREATE INDEX statements_month ON statements(month, status);
CREATE TABLE statement_visits (
    id INTEGER PRIMARY KEY,
    statement_id INTEGER NOT NULL REFERENCES statements(id),
    clinic_code TEXT NOT NULL,
    month TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('settlement', 'reversal')),
    reversal_of TEXT,
    reversed INTEGER NOT NULL DEFAULT 0,
    mdtrt_id TEXT NOT NULL,
    setl_id TEXT NOT NULL,
    psn_no TEXT NOT NULL,
    certno TEXT NOT NULL,
    psn_name TEXT NOT NULL,
    category TEXT NOT NULL,
    med_type TEXT NOT NULL,
    setl_time TEXT NOT NULL,
    service_date TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    pool TEXT NOT NULL,
    medfee_sumamt_fen INTEGER NOT NULL,
    fulamt_ownpay_amt_fen INTEGER NOT NULL,
    inscp_scp_amt_fen INTEGER NOT NULL,
    act_pay_dedc_fen INTEGER NOT NULL,
    hifp_pay_fen INTEGER NOT NULL,
    acct_pay_fen INTEGER NOT NULL,
    psn_cash_pay_fen INTEGER NOT NULL,
    waived_fen INTEGER NOT NULL,
    pool_prop_selfpay TEXT NOT NULL,
    reasons_json TEXT NOT NULL
);
CREATE INDEX statement_visits_statement ON statement_visits(statement_id);
CREATE INDEX statement_visits_person_day ON statement_visits(certno, service_date);
CREATE INDEX statement_visits_setl ON statement_visits(clinic_code, setl_id);
CREATE INDEX statement_visits_month_cost ON statement_visits(month, kind, medfee_sumamt_fen);
CREATE TABLE statement_items (
    id INTEGER PRIMARY KEY,
    visit_id INTEGER NOT NULL REFERENCES statement_visits(id),
    line_no INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    coverage TEXT NOT NULL,
    quantity TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_price_fen INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    waived_fen INTEGER NOT NULL,
    eligible_fen INTEGER NOT NULL,
    fund_fen INTEGER NOT NULL,
    patient_fen INTEGER NOT NULL,
    rate TEXT NOT NULL
);
CREATE INDEX statement_items_visit ON statement_items(visit_id);
CREATE TABLE review_flags (
    id INTEGER PRIMARY KEY,
    statement_id INTEGER NOT NULL REFERENCES statements(id),
    clinic_code TEXT NOT NULL,
    month TEXT NOT NULL,
    setl_id TEXT NOT NULL,
    certno TEXT NOT NULL,
    code TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_flags_statement ON review_flags(statement_id);
CREATE INDEX review_flags_filter ON review_flags(month, clinic_code, code);
"""

# Township settlement inputs entered by hand: signed persons per month and line (a village's
# code, or the township's own), the year's assessment score, the assessment's hand-entered
# items and county baselines (JSON of decimal strings and counts).
V3 = """
CREATE TABLE settlement_signed (
    month TEXT NOT NULL,
    clinic_code TEXT NOT NULL,
    persons INTEGER NOT NULL CHECK (persons >= 0),
    entered_at TEXT NOT NULL,
    PRIMARY KEY (month, clinic_code)
);
CREATE TABLE settlement_scores (
    year INTEGER PRIMARY KEY,
    score TEXT NOT NULL,
    entered_at TEXT NOT NULL
);
CREATE TABLE assessment_inputs (
    year INTEGER NOT NULL,
    facility TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (year, facility)
);
"""

# A visit's fund rows by visit: voiding (raw_entry), the chain check and the crash test's
# partial-visit check looked them up by scanning every fund row (slow on a 10-year ledger).
V4 = """
CREATE INDEX visit_funds_visit ON visit_funds(visit_id);
"""

# The patient's share of the family-doctor package fee (Shaoyang 2019: 8 of the 40 a year),
# taken at signing with a receipt of its own series (<clinic>-QY<year>-000001), apart from the
# visit receipts: it is no visit and no fund spending.  Append-only like the visits: a wrong
# one is undone by a reversal row that names it (`reverses_id`), with its reason and operator.
PACKAGE_PAYMENTS = "package_payments"
V5 = """
CREATE TABLE package_payments (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('payment', 'reversal')),
    reverses_id INTEGER UNIQUE REFERENCES package_payments(id),
    receipt_no TEXT NOT NULL UNIQUE,
    receipt_year INTEGER NOT NULL,
    receipt_seq INTEGER NOT NULL CHECK (receipt_seq > 0),
    patient_id INTEGER NOT NULL REFERENCES patients(id),
    year INTEGER NOT NULL,
    fee_fen INTEGER NOT NULL,
    public_health_fen INTEGER NOT NULL,
    fund_fen INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL,
    payment_method TEXT NOT NULL CHECK (payment_method IN ('cash', 'mobile')),
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    time TEXT NOT NULL,
    date TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    CHECK ((kind = 'payment') = (reverses_id IS NULL)),
    CHECK ((kind = 'payment') = (amount_fen > 0)),
    UNIQUE (receipt_year, receipt_seq)
);
CREATE INDEX package_payments_patient ON package_payments(patient_id, year);
CREATE INDEX package_payments_date ON package_payments(date);
""" + _append_only(PACKAGE_PAYMENTS)

# The township's review decisions on import flags: a person marks a flag handled (已处理) or
# to be checked with the village doctor (待核实), with an optional note.  Append-only: a
# decision is followed by another, never edited; the latest (highest id) stands.  A flag row is
# deleted when its statement is superseded and SQLite may give its id to a flag of the new
# revision, so a decision names the flag by (statement_id, flag_id): statements are never
# deleted.  setl_id and code are copied so a superseded flag's decision still says what it was.
REVIEW_DECISIONS = "review_decisions"
V6 = """
CREATE TABLE review_decisions (
    id INTEGER PRIMARY KEY,
    flag_id INTEGER NOT NULL,
    statement_id INTEGER NOT NULL REFERENCES statements(id),
    setl_id TEXT NOT NULL,
    code TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('handled', 'query')),
    note TEXT NOT NULL DEFAULT '',
    operator_id INTEGER NOT NULL REFERENCES operators(id),
    time TEXT NOT NULL
);
CREATE INDEX review_decisions_flag ON review_decisions(statement_id, flag_id, id);
""" + _append_only(REVIEW_DECISIONS, "record a new decision instead")

# The usage snapshot gains the counter pool of each row (snapshot format 2): a signed employee
# under the Hunan reform has two pools, the reform's (the resident pool, 600 a year over the
# township and its villages) and the employee policy's, and only the first may count against the
# reform's cap.  SQLite cannot change a UNIQUE constraint in place, so the table is made anew
# with its rows.  Rows of before (a format-1 file without pools) keep pool '' (`OLD_SNAPSHOT_POOL`),
# which counts as the resident pool, as it did.
# Also an index for `ledger.reimbursed_receipt` (has this outside receipt been reimbursed here?),
# which scanned every visit: partial, so only reimbursements carry it, and the query names the kind.
OLD_SNAPSHOT_POOL = ""
V7 = """
CREATE TABLE usage_snapshot_v7 (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    id_number TEXT NOT NULL,
    facility_code TEXT NOT NULL,
    pool TEXT NOT NULL DEFAULT '',
    fund_fen INTEGER NOT NULL,
    computed_on TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (year, id_number, facility_code, pool)
);
INSERT INTO usage_snapshot_v7 (id, year, id_number, facility_code, pool, fund_fen, computed_on, imported_at)
    SELECT id, year, id_number, facility_code, '', fund_fen, computed_on, imported_at FROM usage_snapshot;
DROP TABLE usage_snapshot;
ALTER TABLE usage_snapshot_v7 RENAME TO usage_snapshot;
CREATE INDEX visits_reimbursed_receipt ON visits(outside_receipt) WHERE kind = 'reimbursement';
"""

# An imported visit keeps what a reimbursement (外院票据报销) reimbursed (statement format 2):
# the outside receipt's number, and the whole `reimbursement` object of the file as JSON (its
# day, level, route and referral).  NULL for every other visit and for a format-1 file, which
# does not say.  The index finds an outside receipt reimbursed at another village (the review's
# duplicate-receipt check): partial, so only reimbursements carry it.
V8 = """
ALTER TABLE statement_visits ADD COLUMN outside_receipt TEXT;
ALTER TABLE statement_visits ADD COLUMN reimbursement_json TEXT;
CREATE INDEX statement_visits_outside_receipt ON statement_visits(outside_receipt) WHERE outside_receipt IS NOT NULL;
"""

# The township replaces a village's signing key (the village made a new one, `statement new-key`,
# its old one perhaps in other hands): the old key is kept here, with when, why and by whom it was replaced, and
# registered_keys holds the new one.  Statements imported under the old key stay as they are;
# a later file signed with it is refused, naming the day of the replacement.  Append-only: a
# replacement is history.
REPLACED_KEYS = "replaced_keys"
V9 = """
CREATE TABLE replaced_keys (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('village', 'township')),
    name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    new_fingerprint TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason <> ''),
    replaced_by TEXT NOT NULL CHECK (replaced_by <> '')
);
CREATE INDEX replaced_keys_public_key ON replaced_keys(public_key, role);
""" + _append_only(REPLACED_KEYS, "a key replacement is history")

# A village that lost its whole data folder (a dead disk, no backup) continues its ledger from its
# last exported statement (services/continuation.py, `clinic-app continue --from`): the new folder's
# chain starts after that statement's last entry (its seq and hash) instead of at genesis, and its
# receipt numbers after the statement's last of each year (`receipt_seqs`, JSON {"2026": 41}).
# `receipts_exact` is 0 when the statements found could not count the year from its start: the
# numbers then continue after a bound that no earlier receipt of the year can pass (a gap, no
# collision).  One row at most, and only into an empty ledger (the trigger); append-only: the
# point a chain continues from is history.
CONTINUATIONS = "continuations"
V10 = """
CREATE TABLE continuations (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    clinic_code TEXT NOT NULL,
    month TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision > 0),
    body_sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    last_seq INTEGER NOT NULL CHECK (last_seq > 0),
    last_hash TEXT NOT NULL,
    last_date TEXT NOT NULL,
    receipt_seqs TEXT NOT NULL,
    receipts_exact INTEGER NOT NULL,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE TRIGGER continuations_only_before_entries BEFORE INSERT ON continuations
WHEN EXISTS (SELECT 1 FROM visits)
BEGIN SELECT RAISE(ABORT, 'a ledger that has entries cannot continue another one'); END;
""" + _append_only(CONTINUATIONS, "a ledger continues from one statement, once")

# A continued ledger (V10) counts what each person used of the fund at this clinic before it, this
# year, from the lost ledger's statements (services/continuation.py): the caps hold after the loss.
# The township's usage snapshot leaves this clinic's own rows out (its ledger counts them), so these
# rows are apart from it, net of reversals, by counter pool as the snapshot's.  Written with the
# continuation, append-only like it.
CONTINUED_USAGE = "continued_usage"
V11 = """
CREATE TABLE continued_usage (
    year INTEGER NOT NULL,
    id_number TEXT NOT NULL,
    pool TEXT NOT NULL,
    fund_fen INTEGER NOT NULL,
    PRIMARY KEY (year, id_number, pool)
);
""" + _append_only(CONTINUED_USAGE, "it is what the statements of the lost ledger say")

# continued_usage is written with the continuation, before the ledger's first entry: a row added
# later (or into a ledger that continues nothing) would change the caps of entries recorded already.
V12 = """
CREATE TRIGGER continued_usage_only_with_the_continuation BEFORE INSERT ON continued_usage
WHEN EXISTS (SELECT 1 FROM visits) OR NOT EXISTS (SELECT 1 FROM continuations)
BEGIN SELECT RAISE(ABORT, 'continued usage is written with the continuation, before the ledger has entries'); END;
"""

# continued_usage says of each row's fund what was paid out of the city (市外就医): the policy's
# out-of-city cap (Shaoguan, Zhanjiang: 50 a year inside the 300) counts it, and after the loss it
# started afresh, paying a person who had used it up.  A row of before (a ledger continued under
# version 12) says 0: its statements are not kept, so its out-of-city part is not known now.
V13 = """
ALTER TABLE continued_usage ADD COLUMN out_of_area_fen INTEGER NOT NULL DEFAULT 0;
"""

# A continued ledger's family-doctor package receipts (QY, store/packages.py) go on after the last
# one the doctor says the lost folder gave (the stubs): no statement carries them, so the series
# started again at 000001, giving numbers already on paper that year.  JSON {"2026": 12}; '{}'
# when none was given (and for a ledger continued before this version).
V14 = """
ALTER TABLE continuations ADD COLUMN package_receipt_seqs TEXT NOT NULL DEFAULT '{}';
"""

# Which of the ledger's entries were settled before the clinic recorded an enrolment: the id of the
# ledger's last entry then (`recorded_after`, 0 when none; kept through the row's edits, as created_at
# is).  A newborn's visit on or after the enrolment's day is paid back only when settled before
# (services/session.py): created_at, the computer's clock, said so of a visit settled after an
# enrolment recorded with the clock set forward.  A row of before this version takes the last entry
# booked by its created_at: the last of the days before by the date index, or of that day by its time
# (one look-up each; a MAX over every earlier visit took minutes on a 10-year ledger's enrolments).
V15 = """
ALTER TABLE enrolments ADD COLUMN recorded_after INTEGER NOT NULL DEFAULT 0;
UPDATE enrolments SET recorded_after = MAX(
    COALESCE((SELECT id FROM visits WHERE date < substr(enrolments.created_at, 1, 10) ORDER BY date DESC, id DESC LIMIT 1), 0),
    COALESCE((SELECT MAX(id) FROM visits WHERE date = substr(enrolments.created_at, 1, 10) AND time <= enrolments.created_at), 0)
);
"""

# The township looks a file's visits up among the village's other months: a visit (mdtrt_id) settled
# again under another settlement id, a settlement reversed a second time (services/township.py).
V16 = """
CREATE INDEX statement_visits_mdtrt ON statement_visits(clinic_code, mdtrt_id);
CREATE INDEX statement_visits_reversal ON statement_visits(clinic_code, reversal_of) WHERE kind = 'reversal';
"""

# The catalogue keeps its past descriptions: a receipt reprinted (or a visit reversed) after an import
# changed an item's 规格 or 单位 printed today's (2 瓶 0.5g*100粒 where the patient got 2 盒 0.25g*24粒).
# A ledger line records its name and price, not its spec and unit, and its row is in the hash chain,
# so the catalogue says instead: each row is an entry's description before an import changed it
# (store/ledger.upsert_catalog), `last_entry` the ledger's last entry then (0 when none: the entries up
# to it were settled under this description; by the ledger's order, not the clock, as V15's
# recorded_after), `until` when (the record clock).  A ledger line is described by the first change of
# its code after it, else by the catalogue as it is.  Empty for a ledger of before this version: its
# receipts print the catalogue as it is, as they did.  Append-only: it is what the catalogue said.
CATALOG_CHANGES = "catalog_changes"
V17 = """
CREATE TABLE catalog_changes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    spec TEXT NOT NULL,
    unit TEXT NOT NULL,
    last_entry INTEGER NOT NULL,
    until TEXT NOT NULL
);
CREATE INDEX catalog_changes_code ON catalog_changes(code, last_entry);
""" + _append_only(CATALOG_CHANGES, "it is what the catalogue said")

# The township's import reads, for every file, the year of each of its people at every village
# (store/township.py: `later_fund_visits`, `settlements_elsewhere`, `fund_history`): a read that
# grows with every statement.  Its rows are found by person and day; the covering index has what the
# first two read of them (`id` is the rowid), so the rows themselves are not fetched, and replaces
# (certno, service_date), its prefix.  reimbursement_json is NULL but on an outside receipt paid
# back.  A line of no fund counts in `later_fund_visits` when it has a usage flag: the flag was
# looked for among every flag of its statement (review_flags_statement), ~1,800 a statement of 600
# lines; now by statement, line and code, which replaces the index by statement, its prefix.  No
# data changes.
V18 = """
DROP INDEX statement_visits_person_day;
CREATE INDEX statement_visits_person_fund ON statement_visits(
    certno, service_date, statement_id, setl_time, hifp_pay_fen, setl_id, clinic_code, kind, reversed, reimbursement_json
);
DROP INDEX review_flags_statement;
CREATE INDEX review_flags_line ON review_flags(statement_id, setl_id, code);
"""

# Ordered: MIGRATIONS[0] makes version 1, and so on.
MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14, V15, V16, V17, V18)
SCHEMA_VERSION = len(MIGRATIONS)
