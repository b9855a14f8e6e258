"""What an ingest call found and did: one result type for the command line and the Upload page.

`IngestResult` holds a `FileCheck` per file, and each of those a `DatasetSummary` per dataset
the file holds. Row counts are None until a load or dry run has counted them against the
database; a file that was refused is never counted, so no count reads 0 when it means "not known".
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from qa_dashboard.ingest.problems import ERROR, WARNING, Problem, errors


@dataclass
class DatasetSummary:
    """What one file holds for one dataset, and (after a load or dry run) what it changed.

    `suppressed` counts DfE's cells published without a figure, by symbol (`c`, `low`, ...);
    other datasets have none."""

    dataset: str
    sheets: list[str]
    rows_read: int
    first_period: dt.date | None = None
    last_period: dt.date | None = None
    teams: int = 0
    rows_added: int | None = None
    rows_superseded: int | None = None
    suppressed: dict[str, int] = field(default_factory=dict)

    @property
    def rows_unchanged(self) -> int | None:
        if self.rows_added is None:
            return None
        return max(self.rows_read - self.rows_added, 0)

    @property
    def suppressed_cells(self) -> int:
        return sum(self.suppressed.values())


@dataclass
class FileCheck:
    file_name: str
    sha256: str
    records: dict = field(default_factory=dict)  # dataset -> validate.Records
    datasets: dict[str, DatasetSummary] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    upload_id: int | None = None
    nothing_new: bool = False
    annex: object | None = None                 # an Annex A file's Reduction (qa_dashboard.ingest.annex_a)
    proposed_as_at: dt.date | None = None       # an Annex A file's latest date, the extract date to propose
    ofsted: dict | None = None                  # an ILACS overview's headers and its count of authorities by grade

    @property
    def ok(self) -> bool:
        return not errors(self.problems)

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.datasets.values())

    @property
    def rows_added(self) -> int | None:
        """None until every dataset of the file was counted by a load or dry run."""
        if any(s.rows_added is None for s in self.datasets.values()):
            return None
        return sum(s.rows_added for s in self.datasets.values())

    @property
    def rows_superseded(self) -> int | None:
        if any(s.rows_superseded is None for s in self.datasets.values()):
            return None
        return sum(s.rows_superseded for s in self.datasets.values())


@dataclass
class IngestResult:
    files: list[FileCheck]
    loaded: bool
    dry_run: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)

    @property
    def anything_new(self) -> bool:
        return any(f.ok and not f.nothing_new and f.rows_added is not None for f in self.files)

    def may_load(self, warnings_read: bool) -> bool:
        """A file with errors can never be loaded; warnings need the officer's word that they were read."""
        return self.ok and self.anything_new and (warnings_read or not self.warnings)

    def without_records(self) -> "IngestResult":
        """The same result without the checked rows, small enough to keep between page reruns."""
        return replace(self, files=[replace(f, records={}) for f in self.files])
