"""Downloads open safely in Excel: text that Excel would run as a formula is neutralised."""

import io

import openpyxl
import pandas as pd
import pytest

from qa_dashboard import exports


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_a_cell_that_excel_would_run_is_neutralised(text):
    assert exports.neutralise(text) == "'" + text


def test_numbers_and_plain_text_are_left_alone():
    assert exports.neutralise(-3) == -3
    assert exports.neutralise("FS North") == "FS North"


def test_the_xlsx_download_holds_exactly_the_figures_and_no_formula():
    frame = pd.DataFrame({"team": ["=cmd|' /C calc'!A0", "MASH"], "audits": [3, 4]})
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(frame)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows == [("team", "audits"), ("'=cmd|' /C calc'!A0", 3), ("MASH", 4)]
    assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)


def test_the_csv_download_neutralises_too():
    text = exports.to_csv(pd.DataFrame({"comment": ["@risk", "fine"]})).decode("utf-8-sig")
    assert text.splitlines() == ["comment", "'@risk", "fine"]
