"""Learning-loop benchmark: what do early warnings and verdicts add to a load?

    python bench/loop.py [--keep DIR] [--seed N] [--runs N]

Writes the large-authority workbook (bench/large_authority.py) with an improvement plan whose
every action names an indicator and has completed, loads it into a new database (the load
includes the loop's refresh, as every load does), then times the refresh alone
(`store.loop_tables.refresh`: every indicator and team series read month by month for warnings,
and a verdict for each, and the tables written) inside a write transaction, best of N. The ratio
is the refresh over the rest of the load; the issue's budget is at most 20%. The machine's load
makes any one run indicative only. Prints a markdown table and writes bench/results/loop.json
(bench/refresh_share.py, shared with bench/spc.py); exits 1 when the budget is missed.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import refresh_share  # noqa: E402
from qa_dashboard import contract  # noqa: E402
from qa_dashboard.store import loop_tables  # noqa: E402

BUDGET = 0.20


def add_plan(workbook: Path, completed: dt.date) -> None:
    """One completed action per catalogue indicator, so every series gets a verdict."""
    book = openpyxl.load_workbook(workbook)
    sheet = book.create_sheet("actions")
    sheet.append(["action_id", "title", "status", "indicators", "completed"])
    for n, indicator in enumerate(contract.load().indicators, start=1):
        sheet.append([f"B{n:02d}", f"Improve {indicator.label}", "Complete", indicator.code, completed])
    book.save(workbook)


def counts(con) -> dict:
    series = con.execute("SELECT count(*) FROM (SELECT DISTINCT indicator, team FROM kpi_values "
                         "WHERE breakdown IS NULL)").fetchall()[0][0]
    return {"series": series, "warnings": con.execute("SELECT count(*) FROM early_warnings").fetchall()[0][0],
            "verdicts": con.execute("SELECT count(*) FROM loop_verdicts").fetchall()[0][0]}


if __name__ == "__main__":
    sys.exit(refresh_share.main("loop", __doc__.splitlines()[0], loop_tables.refresh, counts, BUDGET,
                                prepare=lambda workbook: add_plan(workbook, dt.date.today().replace(day=1)
                                                                  - dt.timedelta(days=400))))
