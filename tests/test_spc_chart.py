"""The XmR chart builder (charts/spc.py): what its spec draws, from a series read by spc.analyse."""
import datetime as dt

import pandas as pd

from qa_dashboard import spc
from qa_dashboard.charts import spc as xmr
from qa_dashboard.charts import spec_of


def _months(n, start=dt.date(2023, 1, 1)):
    return [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1) for i in range(n)]


def _points(values, polarity="lower", rebases=(), months=None):
    months = months or _months(len(values))
    return pd.DataFrame(spc.analyse(months, values, polarity, [22.0] * len(values), rebases=rebases).rows())


def test_points_are_marked_by_variation_in_colour_and_shape():
    spec = spec_of(xmr.xmr_chart(_points([20, 21, 22, 20, 19, 21, 22, 20, 21, 20, 22, 21, 35]), "T", "Per cent"))
    marks = spec["layer"][1]["encoding"]
    assert marks["color"]["field"] == marks["shape"]["field"] == "variation"
    words = marks["shape"]["scale"]["domain"]
    shapes = dict(zip(words, marks["shape"]["scale"]["range"]))
    assert len(set(shapes.values())) == 4  # a different shape for each variation, never colour alone
    assert shapes["common cause"] == "circle"
    data = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert data[-1]["variation"] == "special cause concern" and data[-1]["rule"] == "outside limits"


def test_limits_are_drawn_dashed_and_step_at_a_rebase():
    values = [20, 21, 22, 20, 19, 21, 22, 20, 21, 20, 22, 21, 25, 26, 27, 26, 25, 27, 26, 25, 26, 27, 26, 28]
    spec = spec_of(xmr.xmr_chart(_points(values, rebases=[dt.date(2024, 1, 1)]), "T", "Per cent"))
    lines = spec["layer"][0]
    dash = dict(zip(lines["encoding"]["strokeDash"]["scale"]["domain"], lines["encoding"]["strokeDash"]["scale"]["range"]))
    assert dash[xmr.LIMITS] and dash["Target"] and not dash[xmr.CENTRE]
    rows = pd.DataFrame(spec["datasets"][lines["data"]["name"]])
    centres = rows[rows["series"] == xmr.CENTRE].groupby("line")["value"].unique()
    assert len(centres) == 2  # one centre per part: a step
    assert sorted(round(v[0], 3) for v in centres) == [round(sum(values[:12]) / 12, 3), round(sum(values[12:]) / 12, 3)]
    assert set(rows[rows["series"] == xmr.LIMITS]["line"].str.split().str[0]) == {"upper_limit", "lower_limit"}


def test_a_gap_month_is_said_under_the_chart():
    months = _months(14)
    del months[5]
    points = _points([20, 21, 22, 20, 19, 21, 22, 20, 21, 20, 22, 21, 23], months=months)
    assert xmr.gap_note(points) == "A month with no figure is left out; the moving range spans it."
    assert xmr.gap_note(_points([20, 21, 22, 20, 19])) is None


def test_fewer_than_13_points_are_called_provisional():
    assert "provisional" in xmr.provisional_note(_points([20, 21, 22, 20, 19, 21, 22, 20, 21, 20, 22, 21]))
    assert xmr.provisional_note(_points([20, 21, 22, 20, 19, 21, 22, 20, 21, 20, 22, 21, 23])) is None
