"""docs/data-contract.md, the upload format written for officers, names every sheet, column and
accepted spelling in the catalogue, so the two cannot drift apart; and the README links it."""

import re
import tomllib
from pathlib import Path

import pytest

from qa_dashboard import contract

REPO_ROOT = Path(__file__).resolve().parent.parent
DOC = REPO_ROOT / "docs" / "data-contract.md"


def quoted_in_doc() -> set[str]:
    """Every `code span` in the document, lower-cased: spellings are quoted, never paraphrased."""
    return {span.lower() for span in re.findall(r"`([^`]+)`", DOC.read_text(encoding="utf-8"))}


def catalogue() -> dict:
    return tomllib.loads(contract.CATALOGUE_FILE.read_text(encoding="utf-8"))


def spellings() -> list[tuple[str, str]]:
    """(where, spelling) for everything an officer may write that the catalogue knows."""
    spec = catalogue()
    found = []
    for name, sheet in spec["sheets"].items():
        found += [(f"sheet {name}", word) for word in [name, *sheet.get("aliases", [])]]
        for column in sheet["columns"]:
            found += [(f"{name}.{column['name']}", word) for word in [column["name"], *column.get("labels", [])]]
    for area in spec["practice_areas"]:
        found += [(f"practice area {area['code']}", w) for w in [area["code"], area["label"], *area["aliases"]]]
    for grade in spec["grades"]:
        found += [(f"grade {grade['label']}", w) for w in [grade["label"], *grade["spellings"]]]
    for indicator in spec["indicators"]:
        found += [(f"indicator {indicator['code']}", w)
                  for w in [indicator["code"], indicator["label"], *indicator.get("aliases", [])]]
    for group in ("cells", "yesno", "answers", "polarities"):
        found += [(f"{group}.{key}", w) for key, words in spec[group].items() for w in words]
    for key, words in spec["vocabulary"].items():
        found += [(f"vocabulary.{key}", w) for w in words]
    ofsted = spec["ofsted"]
    found += [(f"ofsted column {name}", w) for name, words in ofsted["columns"].items() for w in [name, *words]]
    found += [(f"ofsted grade {grade['label']}", w) for grade in ofsted["grades"]
              for w in [grade["label"], *grade["spellings"]]]
    found += [("ofsted no_grade", w) for w in ofsted["no_grade"]]
    found += [("ofsted framework", w) for w in ofsted["frameworks"]]
    return found


def test_the_catalogue_is_read_whole():
    where = {place.split(".")[0].split()[0] for place, _ in spellings()}
    assert {"sheet", "practice", "grade", "indicator", "cells", "yesno", "answers", "polarities", "vocabulary",
            "ofsted"} <= where
    assert len(spellings()) > 300


def test_every_sheet_column_and_spelling_in_the_catalogue_is_in_the_document():
    quoted = quoted_in_doc()
    missing = [f"{place}: {word!r}" for place, word in spellings() if word and word.lower() not in quoted]
    assert not missing, "docs/data-contract.md lacks:\n" + "\n".join(missing)


@pytest.mark.parametrize("sheet", sorted(catalogue()["sheets"]))
def test_each_sheet_has_its_own_table_of_columns(sheet):
    text = DOC.read_text(encoding="utf-8")
    assert re.search(rf"^### `{sheet}`", text, re.MULTILINE)


def test_the_readme_links_the_document_inside_the_repository():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/data-contract.md)" in readme
    assert "../shared/DATA_CONTRACT.md" not in readme
