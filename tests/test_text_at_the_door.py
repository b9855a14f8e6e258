"""Text from uploads is cleaned at the door (issue 18, section 8): no control character, no
bidirectional control and no Excel `_xHHHH_` escape of one reaches the database in a name, free
text keeps its line breaks and nothing else, and each cell cleaned is named in a warning that
describes the character without repeating it."""
import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
import python_calamine

from qa_dashboard import commentary, metrics, plain_text, upload
from qa_dashboard.pack.model import Document, Paragraph
from qa_dashboard.pack.pdf_writer import write_pdf
from qa_dashboard import workforce as workforce_summary
from qa_dashboard.workforce import words as workforce_words
from qa_dashboard.ingest import ingest
from qa_dashboard.ingest.problems import WARNING
from tests.test_benchmarks import referrals_csv
from tests.workbooks import (
    TODAY, VIEWS, audit, feedback, kpi, query, table, template_like_sheets, view_rows, workforce, write_csv, write_xlsx,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
# Anything a loaded text may never hold (a line feed only in free text, checked apart).
HOSTILE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]"
                     "|_x[0-9A-Fa-f]{4}_")


def loaded(tmp_path: Path, upload: Path, db_name: str = "qa.duckdb"):
    db = tmp_path / db_name
    result = ingest([upload], db, "tester", today=TODAY)
    assert result.loaded, "\n".join(p.line() for p in result.problems)
    return db, result


def cleaned_warnings(result):
    return [p for p in result.warnings if "which the dashboard removes" in p.message]


def test_calamine_reads_excels_escape_of_a_shift_enter_line_break_as_the_control_character(tmp_path):
    # What the issue saw: Word's Shift+Enter pasted into Excel is stored as _x000B_, and the reader
    # hands the dashboard the control character itself (openpyxl would hand back the seven letters).
    path = write_xlsx(tmp_path / "t.xlsx", {"s": [["Hub_x000B_North"], ["Hub_x0001_"]]})
    cells = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert cells == [["Hub\x0bNorth"], ["Hub\x01"]]
    assert openpyxl.load_workbook(path).active["A1"].value == "Hub_x000B_North"


def test_a_control_character_in_a_team_name_is_removed_with_a_warning_naming_the_cell(tmp_path):
    upload = write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(workforce(team="Hub_x0001_"))})
    db, result = loaded(tmp_path, upload)
    assert query(db, "SELECT team FROM workforce") == [("Hub",)]
    (warning,) = cleaned_warnings(result)
    assert (warning.file, warning.sheet, warning.row, warning.column, warning.value, warning.severity) == \
        ("workforce.xlsx", "workforce", 2, "team", "Hub", WARNING)
    assert "a control character U+0001" in warning.message
    assert "\x01" not in warning.line()


def test_a_shift_enter_line_break_in_a_service_area_becomes_a_space(tmp_path):
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(service_area="Front_x000B_Door"))})
    db, result = loaded(tmp_path, upload)
    assert query(db, "SELECT service_area FROM audits") == [("Front Door",)]
    (warning,) = cleaned_warnings(result)
    assert (warning.row, warning.column) == (2, "service_area")
    assert "a line break typed with Shift+Enter (U+000B)" in warning.message


def test_a_right_to_left_override_in_a_team_name_is_removed(tmp_path):
    upload = write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(workforce(team="FS North\u202e"))})
    db, result = loaded(tmp_path, upload)
    assert query(db, "SELECT team FROM workforce") == [("FS North",)]
    (warning,) = cleaned_warnings(result)
    assert "right-to-left override (U+202E)" in warning.message and "\u202e" not in warning.line()


def test_an_escape_calamine_leaves_as_letters_is_removed_too(tmp_path):
    upload = write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(workforce(team="FS_x202E_ North"))})
    db, result = loaded(tmp_path, upload)
    assert query(db, "SELECT team FROM workforce") == [("FS North",)]
    assert "Excel's escape _x202E_" in cleaned_warnings(result)[0].message


def test_a_control_character_in_a_csv_cell_is_removed(tmp_path):
    upload = write_csv(tmp_path / "feedback.csv", table(feedback(respondent="Par\x07ent", theme="Getting\x1b it right")))
    db, result = loaded(tmp_path, upload)
    assert query(db, "SELECT respondent, theme FROM feedback") == [("Parent", "Getting it right")]
    assert {w.column for w in cleaned_warnings(result)} == {"respondent", "theme"}


def test_free_text_keeps_its_line_breaks_and_loses_other_controls(tmp_path):
    strengths = "Visits in time._x000D_\nPlans are clear._x000B_Voice heard\u202e._x0001_"
    upload = write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(theme_strengths=strengths))})
    db, result = loaded(tmp_path, upload)
    assert query(db, "SELECT theme_strengths FROM audits") == [("Visits in time.\nPlans are clear.\nVoice heard.",)]
    (warning,) = cleaned_warnings(result)
    assert warning.column == "theme_strengths"
    assert "U+202E" in warning.message and "U+0001" in warning.message and "U+000B" not in warning.message


def test_a_cell_repeated_down_a_column_is_named_once_with_its_count(tmp_path):
    rows = [workforce(team="Hub_x0001_", period=f"2024-0{m}") for m in (4, 5, 6)]
    db, result = loaded(tmp_path, write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(*rows)}))
    (warning,) = cleaned_warnings(result)
    assert warning.row == 2 and "2 more rows" in warning.message


def _poisoned(value):
    """The cell with hostile characters inside and around it, each written as an uploader could."""
    if not isinstance(value, str) or not value:
        return value
    return f"_x000B_{value[:1]}\u202e{value[1:2]}_x0001_\u2066{value[2:]}_x202E_\u200f\ufdd0_xFFFE_"


def test_a_workbook_with_hostile_characters_in_every_cell_loads_exactly_as_the_clean_one(tmp_path):
    clean = write_xlsx(tmp_path / "clean.xlsx", template_like_sheets())
    poisoned = write_xlsx(tmp_path / "poisoned.xlsx", {
        name: [rows[0]] + [[_poisoned(v) for v in row] for row in rows[1:]]
        for name, rows in template_like_sheets().items()})
    clean_db, _ = loaded(tmp_path, clean, "clean.duckdb")
    poisoned_db, result = loaded(tmp_path, poisoned, "poisoned.duckdb")
    for view in (v for v in VIEWS if v != "uploads"):
        assert view_rows(poisoned_db, view) == view_rows(clean_db, view), view
    assert len(cleaned_warnings(result)) > 20


def test_no_text_in_the_database_holds_a_control_or_bidirectional_character(tmp_path):
    poisoned = write_xlsx(tmp_path / "poisoned.xlsx", {
        name: [rows[0]] + [[_poisoned(v) for v in row] for row in rows[1:]]
        for name, rows in template_like_sheets().items()})
    db, _ = loaded(tmp_path, poisoned)
    con = duckdb.connect(str(db), read_only=True)
    try:
        texts = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                            "WHERE data_type = 'VARCHAR' AND table_name NOT IN ('upload_log')").fetchall()
        for table_name, column in texts:
            for (value,) in con.execute(f'SELECT DISTINCT "{column}" FROM "{table_name}" WHERE "{column}" IS NOT NULL').fetchall():
                assert not HOSTILE.search(value), (table_name, column, value)
    finally:
        con.close()


def test_a_file_name_holding_a_control_character_is_recorded_without_it(tmp_path):
    data = write_xlsx(tmp_path / "w.xlsx", {"workforce": table(workforce())}).read_bytes()
    result = ingest([("work\u202eforce\x1b.xlsx", data)], tmp_path / "qa.duckdb", "tester", today=TODAY)
    assert result.loaded
    assert query(tmp_path / "qa.duckdb", "SELECT file_name FROM uploads") == [("workforce.xlsx",)]
    assert any("The file's name held" in w.message and w.file == "workforce.xlsx" for w in result.warnings)


def test_a_name_cleaned_never_holds_what_the_door_refuses():
    every = "".join(map(chr, range(0x00, 0xA0))) + "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069" \
        + "\ufdd0\ufffe\uffff\U0010ffff"
    cleaned, found = plain_text.clean_name(f"Hub{every}North")
    assert not HOSTILE.search(cleaned) and "\n" not in cleaned
    assert cleaned.startswith("Hub") and cleaned.endswith("North") and found
    assert not {"\ufdd0", "\ufffe", "\uffff", "\U0010ffff"} & set(cleaned)


def test_the_problems_download_takes_a_header_holding_a_control_character(tmp_path):
    # A header is not a name the database keeps, but the Upload page's list of problems quotes it,
    # and openpyxl refuses to write a control character into a cell.
    rows = table(workforce())
    rows[0].append("extra_x0001_")
    result = ingest([write_xlsx(tmp_path / "w.xlsx", {"workforce": rows})], tmp_path / "qa.duckdb", "tester",
                    today=TODAY, dry_run=True)
    assert any("\x01" in p.column for p in result.warnings)
    book = openpyxl.load_workbook(io.BytesIO(upload.problems_xlsx(result.errors, result.warnings)))
    assert [c.value for c in book["warnings"]["D"]][1:] == ["extra"]


# ------------------------------------------------------------- names that mean something else --
@pytest.mark.parametrize("sheet, row, column", [
    ("workforce", workforce(team="WHOLE authority"), "team"),
    ("audits", audit(service_area=" whole Authority "), "service_area"),
    ("kpi", kpi(team="Whole authority"), "team"),
    ("workforce", workforce(team="\uff37\uff48\uff4f\uff4c\uff45 authority"), "team"),  # fullwidth
    ("audits", audit(service_area="WHOLE\u00a0AUTHORITY"), "service_area"),
])
def test_a_team_or_service_area_called_whole_authority_is_refused_with_a_sentence(tmp_path, sheet, row, column):
    db = tmp_path / "qa.duckdb"
    result = ingest([write_xlsx(tmp_path / "f.xlsx", {sheet: table(row)})], db, "tester", today=TODAY)
    assert not result.loaded and not db.exists()
    (error,) = result.errors
    assert (error.sheet, error.row, error.column) == (sheet, 2, column)
    assert "'Whole authority' is what the dashboard calls the whole authority's figures" in error.message


# ------------------------------------------------------------------------ commentary's cap --
def test_a_kpi_commentary_cell_over_the_apps_cap_is_refused_naming_the_cell(tmp_path):
    db = tmp_path / "qa.duckdb"
    long = "The figure fell. " * 600  # 10,200 characters: an Excel cell holds up to 32,767
    result = ingest([write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(kpi(commentary=long))})], db, "tester", today=TODAY)
    assert not result.loaded and not db.exists()
    (error,) = result.errors
    assert (error.sheet, error.row, error.column) == ("kpi", 2, "commentary")
    assert error.message == f"The commentary is {len(long.strip()):,} characters long; keep it under 10,000."
    assert len(error.value) < 100


def test_a_kpi_commentary_cell_at_the_cap_loads(tmp_path):
    text = "x" * commentary.MAX_LENGTH
    db, _ = loaded(tmp_path, write_xlsx(tmp_path / "kpi.xlsx", {"kpi": table(kpi(commentary=text))}))
    assert query(db, "SELECT length(commentary) FROM kpi_values") == [(commentary.MAX_LENGTH,)]


# ----------------------------------------------------------------- DfE's published files --
def test_a_published_dfe_file_loses_control_characters_in_an_areas_name_with_a_warning(tmp_path):
    path = referrals_csv(tmp_path / "c1.csv")
    path.write_text(path.read_text(encoding="utf-8").replace(",Beta,", ",Be\x0bta\u202e,"), encoding="utf-8")
    db, result = loaded(tmp_path, path)
    names = {name for (name,) in query(db, "SELECT DISTINCT area_name FROM benchmarks")}
    assert "Be ta" in names and not any(HOSTILE.search(n) for n in names if n)
    warnings = cleaned_warnings(result)
    assert warnings and all(w.column == "la_name" and w.value == "Be ta" for w in warnings)
    assert "U+000B" in warnings[0].message and "U+202E" in warnings[0].message


# ------------------------------------------------------------ names inside generated sentences --
RIGHT_TO_LEFT_TEAM = "צפון 2"   # Hebrew for "North", and a number: the case that turns figures round


def test_a_name_with_right_to_left_letters_is_isolated_in_a_sentence_and_any_other_is_as_written():
    assert plain_text.isolated(RIGHT_TO_LEFT_TEAM) == "\u2068" + RIGHT_TO_LEFT_TEAM + "\u2069"
    assert plain_text.isolated("FS North 2 (Hub) – é") == "FS North 2 (Hub) – é"


def test_the_caseload_range_isolates_a_right_to_left_team_name():
    frame = pd.DataFrame({"period": [dt.date(2024, 5, 1)] * 2, "level": ["team"] * 2,
                          "caseload": [1.0, 22.9], "team": ["Hub", RIGHT_TO_LEFT_TEAM]})
    assert workforce_words.caseload_range(frame, dt.date(2024, 5, 1)) == \
        f"1.0 (Hub) to 22.9 (\u2068{RIGHT_TO_LEFT_TEAM}\u2069)"


def test_what_changed_isolates_a_right_to_left_indicator_label():
    sentence = metrics.what_changed("שיעור", 22.9, 1.0, "count", "lower")
    assert sentence.startswith("\u2068שיעור\u2069 rose from 1 to 22.9")


def test_in_the_printed_pack_an_isolated_name_keeps_its_figure_after_it(tmp_path):
    # What the isolates are for, measured in the PDF the pack writes: without them the bidi
    # algorithm runs "2 צפון 22.9" together right to left and prints the figure before the name.
    plain = f"Caseload: {RIGHT_TO_LEFT_TEAM} 22.9 per worker."
    wrapped = f"Caseload: {plain_text.isolated(RIGHT_TO_LEFT_TEAM)} 22.9 per worker."
    doc = Document(title="Test", authority="Test", period_label="May 2024", scope_label="Whole authority",
                   made_on=dt.date(2024, 6, 1), demo=False, publish=False,
                   blocks=[Paragraph(plain), Paragraph(wrapped)])
    (tmp_path / "pack.pdf").write_bytes(write_pdf(doc))
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pack.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [line for line in text.splitlines() if "Caseload" in line]
    visible = [re.sub("[\u2068\u2069\u202a-\u202e]", "", line) for line in lines]
    assert visible[0].index("22.9") < visible[0].index("צפון")      # turned round, without isolates
    assert visible[1].index("צפון") < visible[1].index("22.9")      # in order, with them


def test_the_agency_flag_list_isolates_a_right_to_left_team_name(tmp_path):
    from tests.test_workforce import MAY, _chosen, _figures, _load

    db = _load(tmp_path, {"workforce": table(workforce(team=RIGHT_TO_LEFT_TEAM, social_worker_fte=10, agency_fte=6),
                                             workforce(team="Hub", social_worker_fte=10, agency_fte=5))})
    frame = _figures(db, _chosen())
    lines = workforce_summary.agency_summary(frame, MAY, workforce_summary.group_rows(frame, MAY))
    assert lines[-1].endswith(f"Hub, \u2068{RIGHT_TO_LEFT_TEAM}\u2069.")


def test_the_quick_look_over_a_column_misses_nothing_the_cleaning_would_change():
    # The door looks at a column's cells one by one only when this says so: it must never say no
    # to a text that clean_name or clean_free_text would change.
    candidates = [chr(c) for c in [*range(0x00, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                   *range(0x2066, 0x206A), 0x2028, 0x2029, 0xFDD0, 0xFFFE, 0xFFFF, 0x10FFFF]] \
        + ["_x0001_", "_x202E_", "_xFFFE_", "\r\n"]
    for found in candidates:
        text = f"Team{found}North"
        if plain_text.clean_name(text)[0] != text:
            assert plain_text.may_need_cleaning(text), repr(found)
        if plain_text.clean_free_text(text)[0] != text:
            assert plain_text.may_need_cleaning(text, free_text=True), repr(found)
    assert not plain_text.may_need_cleaning("Front Door – Assessment Team 1 (é, 東京)")
    assert not plain_text.may_need_cleaning("First line.\nSecond line.", free_text=True)


def test_a_column_of_many_different_cells_cleaned_names_ten_and_counts_the_rest(tmp_path):
    rows = [workforce(team=f"Team {n}_x0001_", period="2024-05") for n in range(14)]
    db, result = loaded(tmp_path, write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(*rows)}))
    named = cleaned_warnings(result)
    assert len(named) == 10 and [w.row for w in named] == list(range(2, 12))
    (rest,) = [w for w in result.warnings if "more cells of this column" in w.message]
    assert rest.row is None and rest.column == "team" and rest.message.startswith("4 more cells")


# ------------------------------------------------------------------------ what the issue saw --
def test_a_pack_draws_after_loading_a_team_name_with_a_control_character(tmp_path):
    # Before the door, this load went through without a word and the pack's first chart of the
    # team aborted the process inside vl-convert (a Rust panic, exit 134).
    sheets = template_like_sheets()
    header = sheets["workforce"][0]
    for row in sheets["workforce"][1:]:
        row[header.index("team")] += "_x0001_"
    upload, db, pdf = write_xlsx(tmp_path / "hostile.xlsx", sheets), tmp_path / "qa.duckdb", tmp_path / "pack.pdf"
    env = {k: v for k, v in os.environ.items() if k != "QA_DASHBOARD_DB"}
    for args in (["ingest", upload], ["pack", pdf, "--period", "2024-05..2024-05", "--sections", "workforce"]):
        done = subprocess.run([sys.executable, "-m", "qa_dashboard", *map(str, args), "--db", str(db)], cwd=REPO_ROOT,
                              capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_noncharacter_in_a_team_name_is_removed_too(tmp_path):
    # vl-convert aborts on U+FFFE and U+FFFF as on a C0 control (measured one character at a time).
    upload = write_csv(tmp_path / "workforce.csv", table(workforce(team="Hub\ufffe"), workforce(team="Spoke\uffff", period="2024-06")))
    db, result = loaded(tmp_path, upload)
    assert query(db, "SELECT team FROM workforce ORDER BY team") == [("Hub",), ("Spoke",)]
    assert ["noncharacter U+FFFE" in w.message or "noncharacter U+FFFF" in w.message for w in cleaned_warnings(result)] == [True, True]


# ------------------------------------------------------------------------------ a name's cap --
def test_a_team_name_over_the_catalogues_cap_is_refused_naming_the_cell_and_shown_cut(tmp_path):
    db = tmp_path / "qa.duckdb"
    name = "Hub " + "x" * 32_763  # an Excel cell's most
    result = ingest([write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(workforce(team=name))})], db,
                    "tester", today=TODAY)
    assert not result.loaded and not db.exists()
    (error,) = result.errors
    assert (error.file, error.sheet, error.row, error.column) == ("workforce.xlsx", "workforce", 2, "team")
    assert error.message == ("The name is 32,767 characters long; a name may be at most 200. "
                             "Shorten it in the file and upload it again.")
    assert error.value == name[:40] + "…" and len(error.line()) < 300


def test_a_name_at_the_cap_loads(tmp_path):
    name = "T" * 200
    db, _ = loaded(tmp_path, write_xlsx(tmp_path / "workforce.xlsx", {"workforce": table(workforce(team=name))}))
    assert query(db, "SELECT DISTINCT team FROM workforce") == [(name,)]


def test_a_long_value_refused_for_another_reason_is_shown_cut(tmp_path):
    db = tmp_path / "qa.duckdb"
    result = ingest([write_xlsx(tmp_path / "audits.xlsx", {"audits": table(audit(overall="Good" * 5_000))})],
                    db, "tester", today=TODAY)
    assert not result.loaded
    (error,) = [e for e in result.errors if e.column == "overall"]
    assert error.value == ("Good" * 10) + "…" and len(error.message) < 400


def test_the_loaders_name_is_kept_without_controls(tmp_path):
    db = tmp_path / "qa.duckdb"
    assert ingest([write_xlsx(tmp_path / "a.xlsx", {"audits": table(audit())})], db, "a.off\u202eicer\x1b[31m",
                  today=TODAY).loaded
    assert query(db, "SELECT loaded_by FROM upload_log") == [("a.officer[31m",)]


@pytest.mark.parametrize("length, loads", [(1_000, True), (1_001, False)])
def test_an_actions_title_has_the_catalogues_own_cap_for_it(tmp_path, length, loads):
    from tests.workbooks import action
    db = tmp_path / "qa.duckdb"
    result = ingest([write_xlsx(tmp_path / "plan.xlsx", {"actions": table(action(title="T" * length))})], db, "tester",
                    today=TODAY)
    assert result.loaded == loads
    assert loads or [e.message for e in result.errors] == [
        "The name is 1,001 characters long; a name may be at most 1,000. Shorten it in the file and upload it again."]
