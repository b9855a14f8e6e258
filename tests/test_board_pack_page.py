"""The Board pack page run headless with Streamlit's AppTest on the demo database."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


@pytest.fixture
def board_pack(repo_root: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("QA_DASHBOARD_DB", str(demo_db))
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=300).run()
    app.switch_page("app_pages/board_pack.py").run()
    assert not app.exception, app.exception
    return app


def outline(app: AppTest) -> str:
    return next(t.value for t in app.text if "What changed" in t.value or "Appendix" in t.value)


def test_the_page_previews_the_outline_and_offers_both_files(board_pack):
    shown = outline(board_pack)
    for heading in ("Summary", "System health", "Re-referrals within 12 months", "Audits", "Workforce",
                    "Voice of the child and family", "Improvement plan", "Appendix"):
        assert heading in shown
    labels = [button.proto.label for button in board_pack.get("download_button")]
    assert labels == ["Download Word (.docx)", "Download PDF"]


def test_unticking_a_section_leaves_it_out_of_the_outline(board_pack):
    board_pack.checkbox(key="pack_section_3").uncheck().run()  # Workforce
    assert not board_pack.exception, board_pack.exception
    shown = outline(board_pack)
    assert "Workforce" not in shown.splitlines() and "Audits" in shown


def test_the_publish_tick_box_makes_the_published_version(board_pack):
    board_pack.checkbox(key="pack_publish").check().run()
    assert not board_pack.exception, board_pack.exception
    assert any(t.value.startswith("Published version: counts under 5") for t in board_pack.text)
    assert "Appendix" in outline(board_pack)


def test_the_last_packs_date_heads_the_plans_changes_and_goes_with_the_plan(board_pack):
    import datetime as dt

    from qa_dashboard import pack

    since = board_pack.text_input(key="pack_since")
    assert since.value == f"{pack.last_pack_default(dt.date.today()):%d/%m/%Y}"
    since.set_value("31/01/2020").run()
    assert not board_pack.exception, board_pack.exception
    assert "Changed since the last pack, 31 January 2020" in outline(board_pack)
    since.set_value("last **Tuesday**").run()
    assert not board_pack.exception and not board_pack.get("download_button")
    [said] = board_pack.error
    assert "last \\*\\*Tuesday\\*\\*" in said.value and "written YYYY-MM-DD or DD" in said.value  # as written
    since.set_value("2020-01-31").run()
    assert "Changed since the last pack, 31 January 2020" in outline(board_pack)
    board_pack.checkbox(key="pack_section_5").uncheck().run()  # Improvement plan: no date to ask for
    assert not board_pack.exception
    assert not [box for box in board_pack.text_input if box.key == "pack_since"]


def test_a_last_pack_date_after_today_is_refused_with_a_sentence(board_pack):
    board_pack.text_input(key="pack_since").set_value("01/01/2999").run()
    assert not board_pack.exception and not board_pack.get("download_button")
    [said] = board_pack.error
    assert "after today" in said.value


def test_a_link_to_one_month_makes_that_months_pack(repo_root: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QA_DASHBOARD_DB", str(demo_db))
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=300)
    app.query_params["period"] = "Jul-24"
    app.run()
    app.switch_page("app_pages/board_pack.py").run()
    assert not app.exception and not app.sidebar.warning
    assert app.text[0].value.startswith("The performance and quality assurance report for July 2024, the whole authority,")
    assert "Summary" in outline(app)


@pytest.mark.parametrize("failure, said", [
    (OSError(28, "No space left on device"), "The PDF could not be made: the server could not write its working files "
                                             "(No space left on device)."),
    (RuntimeError("a drawing library fault"), "The PDF could not be made: something went wrong while it was written."),
])
def test_a_pdf_that_cannot_be_made_is_a_sentence_on_the_page_not_a_traceback(repo_root, demo_db, monkeypatch,
                                                                              failure, said):
    """The download runs when its button is clicked, outside the page's run: Streamlit then says only
    that the download failed, so the page says why on its next run."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    from qa_dashboard.pack import pdf_writer

    clicked = {}
    real = MediaFileManager.add_deferred
    monkeypatch.setattr(MediaFileManager, "add_deferred", lambda self, make, *a, **k: clicked.setdefault(
        k.get("file_name") or a[2], make) and real(self, make, *a, **k))

    def no_room(*args, **kwargs):
        raise failure

    monkeypatch.setattr(pdf_writer.tempfile, "TemporaryDirectory", no_room)
    monkeypatch.setattr(pdf_writer.Renderer, "draw_all", lambda *a, **k: None)  # straight to the typesetting
    monkeypatch.setenv("QA_DASHBOARD_DB", str(demo_db))
    app = AppTest.from_file(str(repo_root / "app.py"), default_timeout=300).run()
    app.switch_page("app_pages/board_pack.py").run()
    [pdf] = [make for name, make in clicked.items() if name.endswith(".pdf")]
    with pytest.raises(Exception) as raised:
        pdf()
    assert "Traceback" not in str(raised.value)
    app.run()
    assert not app.exception, app.exception
    assert [e.value for e in app.error if e.value.replace("\\", "").startswith(said)]  # shown as text, escaped
    app.run()
    assert not app.error  # said once
