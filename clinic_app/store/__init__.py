"""The local SQLite store: schema, migrations, the append-only ledger, queries."""
