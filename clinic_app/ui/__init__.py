"""The desktop app: PySide6 screens over the services (see app.py for the start-up)."""
