"""The pure core: money, policies, adjudication, settlement, assessment.

Nothing here touches Qt, SQLite or files: values in, values out.
"""
