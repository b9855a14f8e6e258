from qa_dashboard.queries.queries import bind, parameter_names, run, sql

__all__ = ["bind", "parameter_names", "run", "sql"]
