"""Where the learning loop shows (issue 21, section 4): System health's chart marks and "The
loop", the Overview's early warnings and verdicts, the Audits page's themed audits; run headless
with AppTest on a database loaded from tests/test_loop.py's workbook (a rise, a themed audit and
an action linked to it, and a fall afterwards), the expected words read from the views."""
import json
from pathlib import Path

import pyarrow as pa
import pytest

from qa_dashboard import queries
from tests.test_loop import load, loop_workbook
from tests.test_overview_page import open_page, texts


@pytest.fixture
def loop_db(tmp_path) -> Path:
    db = tmp_path / "qa.duckdb"
    load(db, loop_workbook(tmp_path / "loop.xlsx"))
    return db


def layer_rows(chart, layer: dict):
    """The rows of one layer of a chart, as the browser receives them."""
    [dataset] = [d for d in chart.proto.datasets if d.name == layer["data"]["name"]]
    return pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()


def system_health(db, monkeypatch):
    return open_page(db, "app_pages/system_health.py", monkeypatch, indicator="re_referrals_pct")


def test_system_health_marks_the_warning_the_audit_and_the_action_on_the_chart(loop_db, monkeypatch):
    app = system_health(loop_db, monkeypatch)
    chart = app.get("vega_lite_chart")[0]
    spec = json.loads(chart.proto.spec)
    [rules] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    marked = layer_rows(chart, rules)
    assert [(month[:7], label) for month, label in zip(marked["period"], marked["label"])] == [
        ("2023-08", "Warning raised"), ("2023-10", "Audit commissioned: Re-referrals"),
        ("2024-01", "Audit completed: Re-referrals"), ("2024-02", "Action A1 completed")]
    written = [layer_rows(chart, layer)["label"].tolist() for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert sorted(sum(written, [])) == sorted(marked["label"])  # each mark's label is written beside it
    shapes = [layer["encoding"]["shape"] for layer in spec["layer"]
              if layer.get("encoding", {}).get("shape", {}).get("field") == "event"]
    assert len(set(shapes[0]["scale"]["range"])) == 4  # a shape per kind, not colour alone


def test_system_health_figures_table_names_the_same_events(loop_db, monkeypatch):
    app = system_health(loop_db, monkeypatch)
    [table] = [df.value for df in app.dataframe if "Re-referrals within 12 months" in df.value.columns]
    marked = {f"{m:%Y-%m}": said for m, said in zip(table["Month"], table["Loop"]) if said}
    assert marked == {"2023-08": "Warning raised", "2023-10": "Audit commissioned: Re-referrals",
                      "2024-01": "Audit completed: Re-referrals", "2024-02": "Action A1 completed"}


def test_system_health_says_the_loop_under_the_chart(loop_db, monkeypatch):
    app = system_health(loop_db, monkeypatch)
    assert "The loop" in [h.value for h in app.subheader]
    lines = texts(app)
    verdict = queries.run("loop_verdicts_all", loop_db)["verdict"].iloc[0]
    assert verdict[0].upper() + verdict[1:] + "." in lines
    assert verdict.startswith("since action A1 completed in February 2024")
    assert any(line.startswith("Warning raised in August 2023 and every month to February 2024 (7 months). "
                               "In August 2023: special cause concern") for line in lines)
    assert "2 case audits under the theme, overall judgements: Good 1 (50%), Requires improvement 1 (50%)." in lines
    assert "Findings: Step-down to early help too early in some cases." in lines
    assert ("Action A1: Step-down panel reviews every re-referral (status Complete, RAG Blue, completed "
            "15 February 2024).") in lines
