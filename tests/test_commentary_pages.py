"""The practice analysis box on the pages, run headless with AppTest: an uploader writes and
edits beside an indicator on System health and at the top of the Audits page, every version is
kept and the newest shown, awkward text is shown as written, a reader sees the words and no
editor, and undoing a data load leaves the words in place."""

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard import auth
from qa_dashboard.ingest import ingest, undo
from tests.conftest import REPO_ROOT
from tests.workbooks import TODAY, audit, kpi, table, write_xlsx

AWKWARD = "<script>alert(1)</script> **bold** =SUM(A1)"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    database = tmp_path / "qa.duckdb"
    kpis = table(kpi(period="2024-05", value=22.5, commentary="Uploaded words for May."),
                 kpi(period="2024-06", value=20.0, commentary=None))
    audits = table(audit(), audit(audit_id="AUD-002", audit_date="10/06/2024", overall="Inadequate"))
    result = ingest([write_xlsx(tmp_path / "qa.xlsx", {"kpi": kpis, "audits": audits})], database, "test", today=TODAY)
    assert result.ok, result.problems
    return database


def session_as(database: Path, monkeypatch, reader: bool = False) -> None:
    """The next AppTest reads `database`, as a reader or (the default) an uploader."""
    monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
    monkeypatch.delenv(auth.UPLOADER_EMAILS_ENV, raising=False)
    if reader:  # an uploader password is configured and this session has not signed in
        monkeypatch.setenv(auth.PASSWORD_HASH_ENV, auth.hash_password("a long uploader password", iterations=1_000))
    else:       # the dashboard runs open, as on an officer's own computer: an uploader
        monkeypatch.delenv(auth.PASSWORD_HASH_ENV, raising=False)


def open_page(database: Path, page: str, monkeypatch, reader: bool = False) -> AppTest:
    session_as(database, monkeypatch, reader)
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
    if page == "app_pages/system_health.py":
        app.query_params["indicator"] = "re_referrals_pct"
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def write(app: AppTest, words: str) -> AppTest:
    [area] = [a for a in app.text_area if a.label.startswith("Practice analysis for")]
    area.input(words)
    [save] = [b for b in app.button if b.label == "Save"]
    save.click().run()
    assert not app.exception, app.exception
    return app


def texts(app: AppTest) -> list[str]:
    return [t.value for t in app.text]


def rows(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT scope_kind, key, period, text, version FROM commentary_rows ORDER BY version").fetchall()


@pytest.mark.parametrize("page, scope", [("app_pages/system_health.py", ("indicator", "re_referrals_pct")),
                                         ("app_pages/audits.py", ("section", "Audits"))])
def test_an_uploader_writes_and_edits_and_every_version_is_kept(db, monkeypatch, page, scope):
    app = open_page(db, page, monkeypatch)
    write(app, "First words.")
    write(app, AWKWARD)
    kept = rows(db)
    assert [(r[0], r[1]) for r in kept] == [scope, scope]
    assert [(r[3], r[4]) for r in kept] == [("First words.", 1), (AWKWARD, 2)]
    shown = texts(app)
    assert AWKWARD in shown                      # exactly as written, as text
    assert not any("<script>" in m.value for m in app.markdown)
    [earlier] = [e for e in app.expander if e.label.startswith("Earlier versions")]
    assert earlier.label == "Earlier versions (1)"
    assert "First words." in [t.value for t in earlier.text]
    reopened = open_page(db, page, monkeypatch)  # a new session reads the newest from the database
    assert AWKWARD in texts(reopened) and "First words." not in texts(reopened)[:texts(reopened).index(AWKWARD)]


def test_system_health_shows_the_trend_analysis_and_the_uploaded_commentary(tmp_path, monkeypatch):
    database = tmp_path / "qa.duckdb"
    kpis = table(kpi(period="2024-05", value=22.5, commentary=None),
                 kpi(period="2024-06", value=20.0, commentary="Uploaded words for June."))
    assert ingest([write_xlsx(tmp_path / "kpi.xlsx", {"kpi": kpis})], database, "test", today=TODAY).ok
    app = open_page(database, "app_pages/system_health.py", monkeypatch, reader=True)
    shown = texts(app)
    assert "Uploaded words for June." in shown
    assert any("Trend analysis" in m.value for m in app.markdown)
    # The signal leads (named by the indicator), the month's move follows as a fact.
    lead = next(i for i, s in enumerate(shown) if s.startswith("Re-referrals within 12 months: "))
    assert shown[lead + 1].startswith("In June 2024, it fell from 22.5% to 20.0%")


@pytest.mark.parametrize("page", ["app_pages/system_health.py", "app_pages/audits.py"])
def test_a_reader_sees_the_words_and_no_editor(db, monkeypatch, page):
    write(open_page(db, page, monkeypatch), AWKWARD)
    app = open_page(db, page, monkeypatch, reader=True)
    assert AWKWARD in texts(app)
    assert not [a for a in app.text_area if a.label.startswith("Practice analysis for")]
    assert "Save" not in [b.label for b in app.button]


def test_undoing_a_data_load_leaves_the_words_on_the_page(db, tmp_path, monkeypatch):
    write(open_page(db, "app_pages/audits.py", monkeypatch), "Written before the next load.")
    later = table(audit(audit_id="AUD-003", audit_date="20/06/2024"))
    assert ingest([write_xlsx(tmp_path / "later.xlsx", {"audits": later})], db, "test", today=TODAY).ok
    undo(db)
    assert "Written before the next load." in texts(open_page(db, "app_pages/audits.py", monkeypatch))


def test_a_save_from_a_stale_box_shows_the_colleagues_newer_words_and_asks(db, monkeypatch):
    mine = open_page(db, "app_pages/audits.py", monkeypatch)            # opened before the colleague saved
    write(open_page(db, "app_pages/audits.py", monkeypatch), "The colleague's newer words.")
    write(mine, "My stale words.")
    assert [r[3] for r in rows(db)] == ["The colleague's newer words."]  # nothing written over them
    [warning] = mine.warning
    assert warning.value.startswith("Not saved: a newer version was saved by ") and "after this box was opened" in warning.value
    assert "The colleague's newer words." in texts(mine)
    assert not [s for s in mine.success if s.value.startswith("Saved")]
    [keep] = [b for b in mine.button if b.label == "Keep theirs"]
    keep.click().run()
    [area] = [a for a in mine.text_area if a.label.startswith("Practice analysis for")]
    assert area.value == "The colleague's newer words." and not mine.warning
    assert [r[3] for r in rows(db)] == ["The colleague's newer words."]


def test_saving_over_a_colleagues_newer_words_is_a_choice_made_after_seeing_them(db, monkeypatch):
    mine = open_page(db, "app_pages/system_health.py", monkeypatch)
    write(open_page(db, "app_pages/system_health.py", monkeypatch), "The colleague's newer words.")
    write(mine, "My words.")
    [overwrite] = [b for b in mine.button if b.label == "Save mine over theirs"]
    overwrite.click().run()
    assert not mine.exception, mine.exception
    assert [r[3] for r in rows(db)] == ["The colleague's newer words.", "My words."]
    assert not mine.warning and [s for s in mine.success if s.value.startswith("Saved")]
    write(mine, "My next words.")  # my own save is the version the box now carries: no question
    assert [r[3] for r in rows(db)][-1] == "My next words." and not mine.warning


def test_words_typed_with_a_right_to_left_override_are_saved_without_it_and_the_box_says_so(db, monkeypatch):
    app = write(open_page(db, "app_pages/audits.py", monkeypatch), "Rose to \u202e22.9\u202c this month\x07.")
    assert rows(db)[-1][3] == "Rose to 22.9 this month."
    [said] = [s.value for s in app.success if s.value.startswith("Saved")]
    assert "right-to-left override \\(U\\+202E\\)" in said and "U\\+0007" in said and "\u202e" not in said
