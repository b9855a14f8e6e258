"""The home page, "What is loaded", run headless with Streamlit's AppTest."""

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture
def open_dashboard(repo_root: Path, monkeypatch: pytest.MonkeyPatch):
    """Run app.py once against the database at a given path and return the finished run."""

    def open_with(database: Path) -> AppTest:
        monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
        app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=60).run()
        app.switch_page("app_pages/home.py")  # after a first run, so app.py's banner and menu run too
        return app.run()

    return open_with


def datasets_table(app: AppTest):
    [table] = [df.value for df in app.dataframe if "dataset" in df.value.columns]
    return table.set_index("dataset")


def test_the_demo_database_opens_without_an_error(open_dashboard, demo_db):
    app = open_dashboard(demo_db)
    assert not app.exception


def test_demo_data_is_labelled_as_demo_data(open_dashboard, demo_db):
    app = open_dashboard(demo_db)
    banners = [element.value for element in [*app.info, *app.warning]]
    assert any("You are looking at demo data for a fictional authority" in b for b in banners)


def test_the_counts_table_counts_every_current_audit(open_dashboard, demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        [(audits,)] = con.execute("SELECT count(*) FROM audits").fetchall()
    app = open_dashboard(demo_db)
    assert audits > 0
    assert datasets_table(app).loc["Audits", "row_count"] == audits


def test_the_counts_table_names_each_dataset_and_its_latest_month(open_dashboard, demo_db):
    table = datasets_table(open_dashboard(demo_db))
    assert list(table.index) == [
        "KPI figures", "Audits", "Audit judgements", "Workforce rows", "Feedback rows",
        "Actions", "Teams", "Published DfE figures", "Ofsted judgements",
    ]
    assert table.loc["Audits", "latest_month"].split()[0] in {
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    }


def test_the_last_upload_is_shown(open_dashboard, demo_db):
    app = open_dashboard(demo_db)
    uploads = [df.value for df in app.dataframe if "file_name" in df.value.columns]
    assert len(uploads) == 1 and len(uploads[0]) == 1


def test_without_a_database_the_page_says_how_to_create_one(open_dashboard, tmp_path):
    missing = tmp_path / "missing.duckdb"
    app = open_dashboard(missing)
    assert not app.exception
    assert any("no database yet" in info.value for info in app.info)
    commands = [block.value for block in app.code]
    assert "make run" in commands
    assert "python -m qa_dashboard ingest FILE" in commands
    assert not missing.exists()
