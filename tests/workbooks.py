"""Real upload files for tests: .xlsx written with openpyxl, .csv written with the csv module.

A sheet is a list of rows, the first usually the header: `write_xlsx(path, {"audits": [header, row, ...]})`.
`table(*records)` turns dicts into such rows, and `audit()`, `kpi()`, `workforce()`, `feedback()`,
`team()`, `action()` give one small valid row of each sheet, with keyword changes.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl

# A day safely after every sample date, passed as `today` so tests never depend on the clock.
TODAY = dt.date(2024, 12, 15)

VIEWS = ["kpi_values", "audits", "audit_judgements", "audit_areas_not_judged", "workforce", "feedback", "actions",
         "teams", "uploads"]


@dataclass(frozen=True)
class Styled:
    """A cell value written with an Excel number format, e.g. Styled(0.83, "0%")."""

    value: object
    number_format: str


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write a workbook with one sheet per entry, rows written from A1 down."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, Styled):
                    cell = sheet.cell(row=r, column=c, value=value.value)
                    cell.number_format = value.number_format
                elif value is not None:
                    sheet.cell(row=r, column=c, value=value)
    path = Path(path)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list]) -> Path:
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def table(*records: dict) -> list[list]:
    """Header (the union of the records' keys, first seen first) followed by one row per record."""
    header: list[str] = []
    for record in records:
        header += [k for k in record if k not in header]
    return [header] + [[record.get(k) for k in header] for record in records]


def rewrite_member(path: Path, member: str, change) -> Path:
    """Rewrite one member of a zip (e.g. a sheet's XML) in place: `change(bytes) -> bytes`."""
    path = Path(path)
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            target.writestr(info, change(data) if info.filename == member else data)
    path.write_bytes(buffer.getvalue())
    return path


def add_member(path: Path, member: str, data: bytes) -> Path:
    path = Path(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    return path


# ------------------------------------------------------------------------- sample rows --
def audit(**changes) -> dict:
    row = {
        "audit_id": "AUD-001", "audit_date": "15/04/2024", "team": "Assessment Team 1",
        "service_area": "Front Door", "audit_type": "Case file", "overall": "Good",
        "voice_of_child": "Good", "planning": "Requires improvement",
        "actions_agreed": 3, "actions_completed": 1,
    }
    row.update(changes)
    return row


def kpi(**changes) -> dict:
    row = {"period": "2024-05", "indicator": "re_referrals_pct", "team": None, "breakdown": None,
           "value": 22.5, "target": 20, "commentary": "Falling slowly."}
    row.update(changes)
    return row


def workforce(**changes) -> dict:
    row = {"period": "2024-05", "team": "Assessment Team 1", "service_area": "Front Door",
           "social_worker_fte": 10, "agency_fte": 3, "vacancy_fte": 1, "children_allocated": 180,
           "caseload_target": 17, "starters": 1, "leavers": 0}
    row.update(changes)
    return row


def feedback(**changes) -> dict:
    row = {"response_date": "10/05/2024", "respondent": "Child", "team": "Assessment Team 1",
           "source": "Survey", "response_id": "R-001", "question": "Did your social worker listen to you?",
           "answer": "Yes", "comment": "She listened.", "theme": "Getting it right"}
    row.update(changes)
    return row


def team(**changes) -> dict:
    row = {"team": "Assessment Team 1", "service_area": "Front Door", "caseload_target": 17, "active": "yes"}
    row.update(changes)
    return row


def action(**changes) -> dict:
    row = {"action_id": "ACT-01", "title": "Reduce re-referrals", "owner": "Head of Front Door",
           "due_date": "31/03/2025", "status": "On track", "rag": "Green", "source": "Ofsted ILACS 2018",
           "updated": "01/06/2024"}
    row.update(changes)
    return row


def template_like_sheets() -> dict[str, list[list]]:
    """Every sheet of the upload template, each with a couple of valid rows."""
    return {
        "teams": table(team(), team(team="Family Safeguarding 1", service_area="Family Safeguarding", caseload_target=17)),
        "actions": table(action(), action(action_id="ACT-02", title="Improve supervision", status="At risk", rag="Amber")),
        "kpi": table(kpi(), kpi(indicator="Assessments completed within 45 working days", value="83%", target=85),
                     kpi(indicator="referrals_rate", value="1,234", target=None, commentary=None)),
        "audits": table(audit(), audit(audit_id="AUD-002", audit_date="20/05/2024", team="Family Safeguarding 1",
                                       service_area=None, overall="RI", voice_of_child="Inadequate", planning="N/A")),
        "workforce": table(workforce(), workforce(team="Family Safeguarding 1", service_area=None, agency_fte=None,
                                                  social_worker_fte=8, children_allocated=190)),
        "feedback": table(feedback(), feedback(response_id="R-001", question="Do you know your plan?", answer="Partly"),
                          feedback(response_id="R-002", respondent="Parent", answer="Don't know")),
    }


# ------------------------------------------------------------------------ database looks --
def _sorted_rows(con, view: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM {view}").fetchall(), key=repr)


def view_rows(db: Path, view: str) -> list[tuple]:
    """Every row of a view, sorted, so two states of the database compare exactly."""
    return snapshot(db, [view])[view]


def snapshot(db: Path, views=VIEWS) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {view: _sorted_rows(con, view) for view in views}
    finally:
        con.close()


def counts(db: Path, views=VIEWS) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {view: con.execute(f"SELECT count(*) FROM {view}").fetchall()[0][0] for view in views}
    finally:
        con.close()


def query(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
