"""spc_read: a series rebuilt from the kpi_spc rows reads exactly as spc.analyse read it (the
sentence, the verdicts), and is cut at the page's last month without moving its limits."""
import datetime as dt

import pandas as pd
import pytest

from qa_dashboard import spc, spc_read


def months(n, skip=()):
    found = [dt.date(2023 + i // 12, i % 12 + 1, 1) for i in range(n + len(skip))]
    return [m for i, m in enumerate(found) if i not in skip]


def show(value):
    return f"{value:.1f}"


CASES = {
    "a neutral series rising 7 times": ([10, 20] * 5 + [14, 14.5, 15, 15.5, 16, 16.5, 17], "neutral", (), "trend"),
    "a neutral series falling 7 times": ([10, 20] * 5 + [17, 16.5, 16, 15.5, 15, 14.5, 14], "neutral", (), "trend"),
    "a shift below, lower is better": ([25, 23] * 6 + [23.2, 23.4] * 4, "lower", (), "shift"),
    "a trend up, higher is better": ([10, 20] * 5 + [14, 14.5, 15, 15.5, 16, 16.5, 17], "higher", (), "trend"),
    "a point far above, after a rebase": ([20, 21] * 7 + [30, 31] * 7 + [45], "lower", (14,), "outside"),
    "two of three near the upper limit": ([10, 20] * 6 + [40, 25, 41], "higher", (), "two_of_three"),
}


@pytest.mark.parametrize("name", CASES)
def test_a_series_rebuilt_from_its_rows_reads_as_it_was_read(name):
    values, polarity, rebase_at, rule = CASES[name]
    periods = months(len(values), skip=(5,))  # a month with no figure between
    read = spc.analyse(periods, values, polarity, [21.0] * len(values), rebases=[periods[i] for i in rebase_at])
    assert read.latest.point.rule_key == rule  # the case reaches the rule it is named for
    rebuilt = spc_read.series_from_rows(pd.DataFrame(read.rows()), polarity)
    assert spc.sentence(rebuilt, show, "X") == spc.sentence(read, show, "X")
    assert (rebuilt.latest.variation, rebuilt.latest.assurance, rebuilt.latest.points) == \
        (read.latest.variation, read.latest.assurance, read.latest.points)


def test_a_series_cut_at_the_pages_last_month_keeps_the_limits_of_every_month():
    values = [25, 23] * 6 + [23.2, 23.4] * 4
    periods = months(len(values))
    read = spc.analyse(periods, values, "lower", None)
    rebuilt = spc_read.series_from_rows(pd.DataFrame(read.rows()), "lower", end=periods[11])
    assert rebuilt.latest.period == periods[11]
    assert rebuilt.latest.point.centre == pytest.approx(sum(values) / len(values))  # not the first 12's mean


def test_the_overview_leads_caseload_with_its_signal():
    from qa_dashboard import overview
    from qa_dashboard.scope import Filters

    values = [25, 23] * 6 + [23.2, 23.4] * 4
    periods = months(len(values))
    staff = pd.DataFrame({"period": periods, "children_allocated": [10.0 * v for v in values],
                          "social_worker_fte": [10.0] * len(values), "agency_fte": [2.0] * len(values),
                          "fte_with_agency_known": [10.0] * len(values), "teams": [3] * len(values)})
    chosen = Filters(start=periods[-12], end=periods[-1], period_label="the last 12 months")
    empty = pd.DataFrame(columns=["indicator", "scope", "period"])
    said = overview.what_changed({}, pd.DataFrame(), staff, chosen, spc_points=empty)
    mean = sum(values) / len(values)
    assert said[0] == (f"Average caseload: special cause improvement: the last 9 months below the average of {mean:.1f} "
                       "(Jan 2023 to Aug 2024). In August 2024, it rose from 23.2 to 23.4 (worse).")
