from qa_dashboard.queries.queries import run, sql

__all__ = ["run", "sql"]
