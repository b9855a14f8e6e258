"""The Upload page run headless with AppTest: files go in through the real `st.file_uploader`,
the preview comes from a dry run, nothing is written until the officer confirms, errors are
listed, undo asks first; and only an uploader sees or uses any of it."""
import datetime as dt
import shutil
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from qa_dashboard import auth, store
from tests.workbooks import audit, kpi, query, snapshot, table, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "a long uploader password"


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, copy)
    return copy


@pytest.fixture(scope="module")
def password_hash() -> str:
    return auth.hash_password(PASSWORD, iterations=1_000)


@pytest.fixture
def menus(monkeypatch):
    """Every menu app.py builds: {page title: visibility} per run, captured from st.navigation."""
    captured = []
    real_navigation = streamlit.navigation

    def recording_navigation(pages, **kwargs):
        listed = [page for section in pages.values() for page in section] if isinstance(pages, dict) else pages
        captured.append({page.title: page._visibility for page in listed})
        return real_navigation(pages, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", recording_navigation)
    return captured


@pytest.fixture
def open_upload(repo_root: Path, monkeypatch):
    """Open the Upload page (after one run of app.py, so the menu and banner exist) on a database.

    Secrets are always given, so a developer's own ~/.streamlit/secrets.toml cannot change a test."""
    monkeypatch.delenv(auth.PASSWORD_HASH_ENV, raising=False)
    monkeypatch.delenv(auth.UPLOADER_EMAILS_ENV, raising=False)

    def open_with(database: Path, secrets: dict | None = None, user: dict | None = None) -> AppTest:
        monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
        app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=120)
        app.secrets.update({"qa_dashboard_tests": "yes", **(secrets or {})})
        if user is not None:
            app.user = user
        app.run()
        app.switch_page("app_pages/upload.py")
        return app.run()

    return open_with


def workbook(tmp_path: Path, sheets: dict, name: str = "upload.xlsx") -> tuple[str, bytes, str]:
    return name, write_xlsx(tmp_path / name, sheets).read_bytes(), XLSX


def texts(app: AppTest) -> list[str]:
    return [element.value for element in app.text]


def frame_with(app: AppTest, column: str):
    [frame] = [df.value for df in app.dataframe if column in df.value.columns]
    return frame


def button(app: AppTest, label_start: str):
    [found] = [b for b in app.button if b.label.startswith(label_start)]
    return found


NEW_AUDITS = {"audits": table(audit(audit_id="UPL-001", audit_date="10/03/2026"),
                              audit(audit_id="UPL-002", audit_date="12/03/2026", overall="Outstanding"))}


# ------------------------------------------------------------------- upload and confirm --
def test_a_valid_workbook_is_previewed_then_loaded_and_reaches_the_views(open_upload, demo_copy, tmp_path):
    app = open_upload(demo_copy)
    assert not app.exception
    before = snapshot(demo_copy)
    app.file_uploader[0].set_value(workbook(tmp_path, NEW_AUDITS, "march audits.xlsx")).run()
    assert not app.exception

    preview = frame_with(app, "Earlier rows superseded").to_dict("records")
    assert [(r["File"], r["Data"], r["Rows read"], r["Rows to add"], r["Earlier rows superseded"], r["From"], r["To"])
            for r in preview] == [("march audits.xlsx", "audits", 2, 2, 0, "Mar 2026", "Mar 2026")]
    assert ("march audits.xlsx: ready to load. 2 rows to add, superseding 0 rows loaded earlier (kept as history)."
            in texts(app))
    assert snapshot(demo_copy) == before, "the preview wrote to the database"

    app.text_input(key="upload_user_name").input("Sam Officer").run()
    assert snapshot(demo_copy) == before
    button(app, "Load these files").click().run()
    assert not app.exception
    assert query(demo_copy, "SELECT audit_id, overall FROM audits WHERE audit_id LIKE 'UPL-%' ORDER BY 1") == [
        ("UPL-001", "Good"), ("UPL-002", "Outstanding")]
    assert query(demo_copy, "SELECT file_name, loaded_by, rows_added FROM uploads ORDER BY upload_id DESC LIMIT 1") == [
        ("march audits.xlsx", "Sam Officer", 2)]
    assert any(s.value.startswith("Loaded.") for s in app.success)
    effect = frame_with(app, "Rows now").set_index("Data")
    assert effect.loc["Audits", "Change"] == 2
    history = frame_with(app, "loaded_by")
    assert history.iloc[0]["file_name"] == "march audits.xlsx" and history.iloc[0]["status"] == "In force"
    assert app.session_state["upload_round"] == 1  # a fresh, empty file chooser
    assert app.file_uploader[0].value == []


def test_after_a_load_the_overview_reads_the_new_month(open_upload, demo_copy, tmp_path):
    app = open_upload(demo_copy)
    sheets = {"kpi": table(kpi(period="2026-04", indicator="re_referrals_pct", value=11.1, target=None, commentary=None))}
    app.text_input(key="upload_user_name").input("Sam Officer")
    app.file_uploader[0].set_value(workbook(tmp_path, sheets, "april kpi.xlsx")).run()
    button(app, "Load these files").click().run()
    assert not app.exception
    app.switch_page("app_pages/overview.py").run()
    assert not app.exception
    assert any("April 2026" in t or "Apr 2026" in t for t in texts(app)), texts(app)[:3]


def test_an_invalid_workbook_lists_every_error_and_writes_nothing(open_upload, demo_copy, tmp_path):
    app = open_upload(demo_copy)
    before = snapshot(demo_copy)
    bad = {"audits": table(audit(audit_id="BAD-1", overall="Good or better"),
                           audit(audit_id="BAD-2", audit_date="31/02/2026"),
                           audit(audit_id="BAD-3", team=None))}
    app.file_uploader[0].set_value(workbook(tmp_path, bad, "bad audits.xlsx")).run()
    assert not app.exception
    errors = frame_with(app, "What to change")
    assert errors[["Sheet", "Row", "Column"]].values.tolist() == [["audits", 2, "overall"], ["audits", 3, "audit_date"],
                                                                  ["audits", 4, "team"]]
    assert errors.loc[0, "Value"] == "Good or better"
    assert any(e.value.startswith("Refused: 3 errors. Nothing has been written.") for e in app.error)
    assert not [b for b in app.button if b.label.startswith("Load")]
    assert "Download the errors as a spreadsheet (.xlsx)" in [d.label for d in app.get("download_button")]
    assert snapshot(demo_copy) == before


def test_loading_needs_a_name_to_record(open_upload, demo_copy, tmp_path):
    app = open_upload(demo_copy)
    app.text_input(key="upload_user_name").input("  ")
    app.file_uploader[0].set_value(workbook(tmp_path, NEW_AUDITS)).run()
    assert button(app, "Load these files").disabled
    app.text_input(key="upload_user_name").input("Sam Officer").run()
    assert not button(app, "Load these files").disabled


def test_warnings_must_be_read_before_loading(open_upload, demo_copy, tmp_path):
    app = open_upload(demo_copy)
    app.text_input(key="upload_user_name").input("Sam Officer")
    sheets = {"kpi": table(kpi(period="2026-03", indicator="Family group conferences held", value=12, target=None))}
    app.file_uploader[0].set_value(workbook(tmp_path, sheets)).run()
    assert "custom indicator" in frame_with(app, "What to change").loc[0, "What to change"]
    assert button(app, "Load these files").disabled
    [read] = [c for c in app.checkbox if c.label == "I have read the warnings"]
    read.check().run()
    assert not button(app, "Load these files").disabled


def test_a_file_already_loaded_offers_no_load_button(open_upload, demo_copy, repo_root):
    app = open_upload(demo_copy)
    data = (repo_root / "data" / "demo" / "workforce.xlsx").read_bytes()
    app.file_uploader[0].set_value(("workforce.xlsx", data, XLSX)).run()
    assert any("nothing new" in t for t in texts(app))
    assert not [b for b in app.button if b.label.startswith("Load")]


# ------------------------------------------------------------------------ history, undo --
def test_undo_asks_first_then_shows_what_it_removed(open_upload, demo_copy):
    app = open_upload(demo_copy)
    [(latest_id, latest_file, added)] = query(
        demo_copy, "SELECT upload_id, file_name, rows_added FROM uploads WHERE status = 'loaded' ORDER BY upload_id DESC LIMIT 1")
    button(app, f"Undo load {latest_id}").click().run()
    assert query(demo_copy, "SELECT status FROM uploads WHERE upload_id = ?", [latest_id]) == [("loaded",)]
    assert any(w.value.startswith(f"Undo load {latest_id}?") for w in app.warning)

    button(app, "Cancel").click().run()
    assert query(demo_copy, "SELECT status FROM uploads WHERE upload_id = ?", [latest_id]) == [("loaded",)]

    button(app, f"Undo load {latest_id}").click().run()
    button(app, f"Yes, undo load {latest_id}").click().run()
    assert not app.exception
    assert query(demo_copy, "SELECT status FROM uploads WHERE upload_id = ?", [latest_id]) == [("undone",)]
    assert any(t.startswith(f"Undid load {latest_id} ({latest_file}") and f"removed the {added:,} rows" in t
               for t in texts(app))
    effect = frame_with(app, "Rows now")
    assert effect["Change"].sum() < 0
    history = frame_with(app, "loaded_by").set_index("upload_id")
    assert history.loc[latest_id, "status"] == "Undone"


# -------------------------------------------------------------------- starting for real --
def test_starting_for_real_needs_a_tick_then_backs_up_and_empties(open_upload, demo_copy):
    app = open_upload(demo_copy)
    start = button(app, "Start an empty database")
    assert start.disabled
    [understood] = [c for c in app.checkbox if c.key == "start_confirmed"]
    understood.check().run()
    button(app, "Start an empty database").click().run()
    assert not app.exception
    [backup] = (demo_copy.parent / "backups").glob("qa-*.duckdb")
    assert query(backup, "SELECT count(*) FROM audits")[0][0] > 0
    assert query(demo_copy, "SELECT count(*) FROM audits") == [(0,)]
    assert any(f"The demo data was copied to {backup}." == t for t in texts(app))
    assert not any("demo data for a fictional authority" in i.value for i in app.info)  # the banner is gone


# ---------------------------------------------------------------------------- who may --
def test_with_no_sign_in_set_up_the_page_says_it_is_open(open_upload, demo_copy, menus):
    app = open_upload(demo_copy)
    assert any("No sign-in is set up" in w.value for w in app.warning)
    assert len(app.file_uploader) == 1
    assert menus[-1]["Upload"] == "visible"


def test_a_reader_has_no_upload_in_the_menu_and_sees_only_the_sign_in(open_upload, demo_copy, password_hash, menus):
    app = open_upload(demo_copy, secrets={auth.PASSWORD_HASH_SECRET: password_hash})
    assert not app.exception
    assert menus and all(menu["Upload"] == "hidden" for menu in menus)
    assert len(app.file_uploader) == 0
    assert not [b for b in app.button if b.label.startswith("Undo")]
    assert "Uploader password" in [t.label for t in app.text_input]


def test_the_uploader_password_gives_the_uploader_role(open_upload, demo_copy, password_hash, menus):
    app = open_upload(demo_copy, secrets={auth.PASSWORD_HASH_SECRET: password_hash})
    [name] = [t for t in app.text_input if t.label.startswith("Your name")]
    [password] = [t for t in app.text_input if t.label == "Uploader password"]
    name.input("Sam Officer")
    password.input(PASSWORD)
    app.button[0].click().run()  # the form's submit button
    assert not app.exception
    assert len(app.file_uploader) == 1
    assert "Signed in as Sam Officer." in texts(app)
    assert menus[-1]["Upload"] == "visible"


def test_a_wrong_password_leaves_the_session_a_reader(open_upload, demo_copy, password_hash, menus):
    app = open_upload(demo_copy, secrets={auth.PASSWORD_HASH_SECRET: password_hash})
    [name] = [t for t in app.text_input if t.label.startswith("Your name")]
    [password] = [t for t in app.text_input if t.label == "Uploader password"]
    name.input("Someone")
    password.input(PASSWORD + "!")
    app.button[0].click().run()
    assert len(app.file_uploader) == 0
    assert any(e.value.startswith("That did not work.") for e in app.error)
    assert menus[-1]["Upload"] == "hidden"


def test_with_single_sign_on_a_listed_email_uploads_and_others_read(open_upload, demo_copy, menus):
    secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                        "client_id": "x", "client_secret": "x",
                        "server_metadata_url": "https://login.example/.well-known/openid-configuration"},
               auth.UPLOADER_EMAILS_SECRET: ["qa.officer@council.example"]}
    officer = open_upload(demo_copy, secrets=secrets, user={"is_logged_in": True, "email": "QA.Officer@council.example"})
    assert len(officer.file_uploader) == 1 and menus[-1]["Upload"] == "visible"
    councillor = open_upload(demo_copy, secrets=secrets, user={"is_logged_in": True, "email": "councillor@council.example"})
    assert len(councillor.file_uploader) == 0 and menus[-1]["Upload"] == "hidden"
    assert any("councillor@council.example, which is not on the list" in t for t in texts(councillor))


def test_inside_a_session_ingest_refuses_a_reader_even_when_the_page_leaves_the_role_out(
        demo_copy, password_hash, tmp_path, monkeypatch):
    """A page that forgot the role (or claimed one) still cannot load for a reader."""
    monkeypatch.delenv(auth.PASSWORD_HASH_ENV, raising=False)
    path = write_xlsx(tmp_path / "sneaky.xlsx", NEW_AUDITS)
    script = f"""
import streamlit as st
from qa_dashboard.ingest import ingest, undo
for label, call in (
        ("ingest", lambda: ingest([{str(path)!r}], {str(demo_copy)!r}, user="x")),
        ("ingest as uploader", lambda: ingest([{str(path)!r}], {str(demo_copy)!r}, user="x", role="uploader")),
        ("undo", lambda: undo({str(demo_copy)!r}))):
    try:
        call()
        st.text(label + ": done")
    except PermissionError:
        st.text(label + ": refused")
"""
    app = AppTest.from_string(script, default_timeout=60)
    app.secrets.update({auth.PASSWORD_HASH_SECRET: password_hash})
    app.run()
    assert not app.exception
    assert texts(app) == ["ingest: refused", "ingest as uploader: refused", "undo: refused"]
    assert query(demo_copy, "SELECT count(*) FROM audits WHERE audit_id LIKE 'UPL-%'") == [(0,)]
