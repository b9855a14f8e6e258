"""Comments chosen on the Voice page for the board pack: an uploader ticks a comment, the choice
is kept as the feedback row's key (never the text), a reader sees it and no tick box, the pack
shows the chosen comments exactly as written, and falls back to the newest, saying so."""

import importlib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from qa_dashboard import auth, chosen_comments
from qa_dashboard.ingest import ingest, undo
from qa_dashboard.pack.model import Heading, Paragraph
from tests.conftest import REPO_ROOT
from tests.workbooks import TODAY, feedback, table, write_xlsx

build = importlib.import_module("qa_dashboard.pack.build")
COMMENTS = ["<script>alert(1)</script> **bold** =SUM(A1)", "The newest words.", "Older words."]
TICK = "Include in the board pack"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    database = tmp_path / "qa.duckdb"
    rows = [feedback(response_id=f"R-{n}", response_date=date, comment=text)
            for n, (date, text) in enumerate(zip(["10/05/2024", "20/06/2024", "01/04/2024"], COMMENTS))]
    assert ingest([write_xlsx(tmp_path / "voice.xlsx", {"feedback": table(*rows)})], database, "test", today=TODAY).ok
    return database


def open_words(database: Path, monkeypatch, reader: bool = False) -> AppTest:
    monkeypatch.setenv("QA_DASHBOARD_DB", str(database))
    monkeypatch.delenv(auth.UPLOADER_EMAILS_ENV, raising=False)
    if reader:
        monkeypatch.setenv(auth.PASSWORD_HASH_ENV, auth.hash_password("a long uploader password", iterations=1_000))
    else:
        monkeypatch.delenv(auth.PASSWORD_HASH_ENV, raising=False)
    app = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60).run()
    app.switch_page("app_pages/voice.py")
    app.session_state["voice_tab"] = "In their own words"
    app.run()
    assert not app.exception, app.exception
    return app


def pack_words(database: Path) -> list[str]:
    doc = build.build(database, build.filters_for(database, "2024-04..2024-06", None, None), ["Voice"])
    blocks = doc.blocks
    start = next(i for i, b in enumerate(blocks) if getattr(b, "text", None) == "In their own words")
    words = []
    for block in blocks[start + 1:]:
        if isinstance(block, Heading):
            break
        if isinstance(block, Paragraph) and block.kind in ("note", "quote"):
            words.append(block.text)
    return words


def stored(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("SELECT * FROM chosen_comments").fetchall()


def test_without_a_choice_the_pack_shows_the_newest_and_says_so(db):
    words = pack_words(db)
    assert words[0].startswith("No comments were chosen for the pack on the Voice page for this period")
    assert words[1:] == ["The newest words.", COMMENTS[0], "Older words."]


def test_an_uploader_ticks_a_comment_and_the_pack_shows_only_the_chosen(db, monkeypatch):
    app = open_words(db, monkeypatch)
    [tick] = [c for c in app.checkbox if c.label == TICK]  # the newest comment, read in full
    tick.check().run()
    assert not app.exception, app.exception
    [(key, chosen, _, _)] = stored(db)
    assert chosen and not any(text in key for text in COMMENTS)  # a key, not the words
    assert "1 of the period's comments chosen for the board pack." in [t.value for t in app.text]
    words = pack_words(db)
    assert words[0].startswith("The 1 of the period's 3 comments chosen by officers")
    assert words[1:] == ["The newest words."]
    [tick] = [c for c in app.checkbox if c.label == TICK]
    tick.uncheck().run()  # taken out again: the pack falls back to the newest
    assert chosen_comments.chosen_keys(db) == frozenset()
    assert pack_words(db)[0].startswith("No comments were chosen")


def test_awkward_text_chosen_appears_in_the_pack_exactly_as_written(db):
    with duckdb.connect(str(db), read_only=True) as con:
        [(key,)] = con.execute("SELECT md5(concat_ws('|', response_date, respondent, service_area, team, source, "
                               "response_id, question, comment)) FROM feedback WHERE comment LIKE '<script>%'").fetchall()
    chosen_comments.choose(db, key, True, "a.officer")
    assert pack_words(db)[1:] == [COMMENTS[0]]


def test_a_reader_sees_the_choice_and_no_tick_box(db, monkeypatch):
    tick = [c for c in open_words(db, monkeypatch).checkbox if c.label == TICK][0]
    tick.check().run()
    app = open_words(db, monkeypatch, reader=True)
    assert TICK not in [c.label for c in app.checkbox]
    assert "Chosen for the board pack." in [t.value for t in app.text]
    with pytest.raises(PermissionError):
        chosen_comments.choose(db, "anything", True, "someone", role="reader")


def test_undoing_a_later_load_keeps_the_choice(db, tmp_path, monkeypatch):
    [tick] = [c for c in open_words(db, monkeypatch).checkbox if c.label == TICK]
    tick.check().run()
    later = table(feedback(response_id="R-9", response_date="25/06/2024", comment="Later words."))
    assert ingest([write_xlsx(tmp_path / "later.xlsx", {"feedback": later})], db, "test", today=TODAY).ok
    undo(db)
    assert pack_words(db)[1:] == ["The newest words."]


def test_the_name_of_who_chose_is_kept_without_controls(tmp_path):
    db = tmp_path / "qa.duckdb"
    chosen_comments.choose(db, "k1", True, "a.off\u202eicer\x01", role=auth.UPLOADER)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT * FROM chosen_comments").fetchall()[0][2] == "a.officer"
