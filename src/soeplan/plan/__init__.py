"""The plan as data: its records, its file format, the published tables and the plan check."""
