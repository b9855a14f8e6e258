"""SPC benchmark: what does reading every series as an XmR chart add to a load?

    python bench/spc.py [--keep DIR] [--seed N] [--runs N]

Writes the large-authority workbook (bench/large_authority.py), loads it into a new database
(the load includes the SPC refresh, as every load does), then times the refresh alone
(`store.spc_tables.refresh_spc`: every indicator, team and breakdown series through spc.py, and
the tables written; the learning loop that follows it is bench/loop.py's) inside a write transaction on that database, best of N. The ratio is the
refresh over the rest of the load; the issue's budget is at most 20%. The machine's load makes
any one run indicative only. Prints a markdown table and writes bench/results/spc.json
(bench/refresh_share.py, shared with bench/loop.py); exits 1 when the budget is missed.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import refresh_share  # noqa: E402
from qa_dashboard.store import spc_tables  # noqa: E402

BUDGET = 0.20


def counts(con) -> dict:
    series = con.execute("SELECT count(*) FROM (SELECT DISTINCT indicator, team, breakdown FROM spc_points)").fetchall()
    return {"series": series[0][0], "points": con.execute("SELECT count(*) FROM spc_points").fetchall()[0][0]}


if __name__ == "__main__":
    sys.exit(refresh_share.main("spc", __doc__.splitlines()[0], spc_tables.refresh_spc, counts, BUDGET))
