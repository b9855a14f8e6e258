"""Charts become Vega-Lite specs through `charts.spec_of`: checked against the schema under the
tests (tests/conftest.py sets QA_DASHBOARD_CHECK_CHARTS=1), not in the running app."""
import altair as alt
import pandas as pd
import pytest
from altair.utils.schemapi import SchemaValidationError

from qa_dashboard.charts import CHECK_ENV, spec_of


def broken_chart() -> alt.Chart:
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q")
    chart.mark = "sparkle"  # no such mark: only the check of the whole spec notices
    return chart


def test_the_suite_checks_every_chart_it_builds():
    with pytest.raises(SchemaValidationError):
        spec_of(broken_chart())


def test_the_app_skips_the_check(monkeypatch):
    monkeypatch.delenv(CHECK_ENV)
    assert spec_of(broken_chart())["mark"] == {"type": "sparkle"}


def test_a_spec_is_returned_as_it_is():
    spec = {"mark": "bar"}
    assert spec_of(spec) is spec
