"""Receipts, statements and reports: what the app prints and exports."""
