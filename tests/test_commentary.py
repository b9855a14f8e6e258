"""The practice analysis written in the dashboard: kept with its month, scope and author, every
version kept, the newest in force, uploaded commentary read the same way, and untouched by
undoing a load."""
import datetime as dt
from pathlib import Path

import pytest

from qa_dashboard import commentary
from qa_dashboard.ingest import ingest, undo
from tests.workbooks import TODAY, kpi, query, table, write_xlsx

MAY, JUNE = dt.date(2024, 5, 1), dt.date(2024, 6, 1)
AT = dt.datetime(2024, 6, 3, 9, 30)


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "qa.duckdb"


def test_written_commentary_is_kept_with_its_month_scope_and_author(db):
    commentary.write(db, dt.date(2024, 5, 17), "indicator", "re_referrals_pct", "Re-referrals fell.", "a.officer",
                     team="Assessment Team 1", service_area="Front Door", now=AT)
    assert query(db, "SELECT period, scope_kind, key, team, service_area, text, author, written_at FROM commentary") == [
        (MAY, "indicator", "re_referrals_pct", "Assessment Team 1", "Front Door", "Re-referrals fell.", "a.officer", AT)]


def test_an_edit_keeps_the_earlier_version_and_the_newest_is_in_force(db):
    commentary.write(db, MAY, "section", "Audits", "First words.", "a.officer", now=AT)
    commentary.write(db, MAY, "section", "Audits", "Second thoughts.", "b.officer", now=AT + dt.timedelta(hours=1))
    [note] = commentary.latest(db, MAY, MAY, "section", "Audits")
    assert (note.text, note.author, note.source) == ("Second thoughts.", "b.officer", "written")
    history = commentary.history(db, MAY, "section", "Audits")
    assert list(history["text"]) == ["Second thoughts.", "First words."]
    assert list(history["version"]) == [2, 1]


def test_the_latest_month_of_the_period_wins_and_other_scopes_are_not_mixed_in(db):
    commentary.write(db, MAY, "section", "Workforce", "May's words.", "a.officer", now=AT)
    commentary.write(db, JUNE, "section", "Workforce", "June's words.", "a.officer", now=AT)
    commentary.write(db, JUNE, "section", "Workforce", "A team's words.", "a.officer", team="Assessment Team 1", now=AT)
    assert [n.text for n in commentary.latest(db, MAY, JUNE, "section", "Workforce")] == ["June's words."]
    assert [n.text for n in commentary.latest(db, MAY, MAY, "section", "Workforce")] == ["May's words."]
    assert [n.text for n in commentary.latest(db, MAY, JUNE, "section", "Workforce", team="Assessment Team 1")] == [
        "A team's words."]


def test_a_kpi_sheets_commentary_column_is_commentary_too(tmp_path, db):
    upload = write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(kpi(commentary="Falling slowly: **bold** <script>"))})
    assert ingest([upload], db, "tester", today=TODAY).ok
    notes = commentary.latest_by_key(db, MAY, MAY)
    note = notes[("indicator", "re_referrals_pct")]
    assert (note.text, note.source, note.author) == ("Falling slowly: **bold** <script>", "uploaded", "KPI sheet kpi.xlsx")


def test_undoing_a_load_does_not_remove_written_commentary(tmp_path, db):
    commentary.write(db, MAY, "indicator", "re_referrals_pct", "Written before the load.", "a.officer", now=AT)
    upload = write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(kpi(commentary=None))})
    assert ingest([upload], db, "tester", today=TODAY).ok
    commentary.write(db, MAY, "section", "Voice", "Written after the load.", "a.officer", now=AT)
    undo(db)
    assert [n.text for n in commentary.latest(db, MAY, MAY)] == ["Written before the load.", "Written after the load."]


def test_a_reader_cannot_write_commentary(db):
    with pytest.raises(PermissionError):
        commentary.write(db, MAY, "section", "Audits", "Words.", "someone", role="reader")
    assert not db.exists() or query(db, "SELECT count(*) FROM commentary_rows") == [(0,)]


def test_a_blank_version_withdraws_the_commentary(db):
    commentary.write(db, MAY, "section", "Audits", "Words.", "a.officer", now=AT)
    commentary.write(db, MAY, "section", "Audits", "  ", "a.officer", now=AT + dt.timedelta(minutes=5))
    assert commentary.latest(db, MAY, MAY) == []


def test_an_unknown_scope_kind_is_refused_in_a_sentence(db):
    with pytest.raises(ValueError, match="indicator or a section"):
        commentary.write(db, MAY, "team", "Audits", "Words.", "a.officer")


def opened_now(db, period=MAY, kind="section", key="Audits", **scope) -> commentary.Opened:
    """The version a box opened now would carry."""
    from qa_dashboard.queries import queries

    return commentary.newest(queries.run("commentary_newest", db, commentary.newest_params(period, kind, key, **scope)))[0]


def test_a_save_from_a_box_opened_before_a_colleagues_newer_version_writes_nothing_and_says_whose(db):
    commentary.write(db, MAY, "section", "Audits", "First words.", "a.officer", now=AT)
    mine = opened_now(db)
    commentary.write(db, MAY, "section", "Audits", "Newer words.", "b.officer", now=AT + dt.timedelta(hours=1),
                     opened_on=opened_now(db))
    with pytest.raises(commentary.NewerVersion) as newer:
        commentary.write(db, MAY, "section", "Audits", "Stale words.", "a.officer", opened_on=mine)
    assert (newer.value.note.text, newer.value.note.author, newer.value.note.written_at) == (
        "Newer words.", "b.officer", AT + dt.timedelta(hours=1))
    assert list(commentary.history(db, MAY, "section", "Audits")["text"]) == ["Newer words.", "First words."]
    commentary.write(db, MAY, "section", "Audits", "Mine over theirs.", "a.officer", opened_on=newer.value.opened)
    assert [n.text for n in commentary.latest(db, MAY, MAY)] == ["Mine over theirs."]


def test_a_box_opened_before_any_words_or_before_an_uploaded_version_is_stale_too(tmp_path, db):
    first = write_xlsx(tmp_path / "first.xlsx", {"kpi": table(kpi(commentary=None))})
    assert ingest([first], db, "tester", today=TODAY).ok
    nothing_yet = opened_now(db, kind="indicator", key="re_referrals_pct")
    commentary.write(db, MAY, "indicator", "re_referrals_pct", "A colleague's first words.", "b.officer", now=AT)
    with pytest.raises(commentary.NewerVersion):
        commentary.write(db, MAY, "indicator", "re_referrals_pct", "Mine.", "a.officer", opened_on=nothing_yet)
    before_the_upload = opened_now(db, kind="indicator", key="re_referrals_pct")
    upload = write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(kpi(commentary="Uploaded later."))})
    assert ingest([upload], db, "tester", today=TODAY).ok
    with pytest.raises(commentary.NewerVersion) as newer:
        commentary.write(db, MAY, "indicator", "re_referrals_pct", "Mine.", "a.officer", opened_on=before_the_upload)
    assert newer.value.note.text == "Uploaded later." and newer.value.note.source == "uploaded"
    assert query(db, "SELECT count(*) FROM commentary_rows") == [(1,)]


def test_commentary_typed_in_the_app_is_cleaned_as_the_door_cleans_free_text(db):
    commentary.write(db, MAY, "section", "Audits", "Rate \u202e22.9\u202c rose\x01.\r\nNext line.", "a.officer\x0b",
                     now=AT)
    [note] = commentary.latest(db, MAY, MAY, "section", "Audits")
    assert (note.text, note.author) == ("Rate 22.9 rose.\nNext line.", "a.officer")


def test_the_box_is_told_what_was_removed_from_the_words():
    text, said = commentary.cleaned("Up \u202e12\x07")
    assert text == "Up 12"
    assert "right-to-left override (U+202E)" in said and "U+0007" in said and "\u202e" not in said
    assert commentary.cleaned("Plain words.") == ("Plain words.", None)
