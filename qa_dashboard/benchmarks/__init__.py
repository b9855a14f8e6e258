"""Benchmarks from DfE's published statistics: where the authority stands against its
statistical neighbours, its region and England (DATA_CONTRACT sections 5 and 6).

How it fits together:
- Reading is not here: DfE's CSVs are read by `ingest/dfe.py`, recognised by their columns, and
  load through the same `ingest` as every extract (one transaction per file, recorded in
  `upload_log`, undoable): referrals and re-referrals (c1), children in need (b1), workforce
  indicators (csww), ONS 0-17 population, placement stability, and the statistical-neighbour
  model. Cells are kept as published (`dfe_rows`, `statistical_neighbours`); suppressed ones
  have no value, never zero.
- `store/views.sql`: `dfe_authorities`, `dfe_figures` and `benchmarks` compute the figures from
  those cells: DfE's own percentages, averages and rates as published, and rates per 10,000
  children from the count over the previous year's ONS 0-17 population; the statistical-neighbour
  mean for the chosen authority only.
- `authority`: the `authority` setting (by name, new ONS code or old three-digit code).
- `compare`: pure functions the pages use with the `benchmarks_*` queries (import it as
  `qa_dashboard.benchmarks.compare`; it brings pandas, which loading never needs).

Authorities that changed ONS code are matched by their old three-digit code and shown under their
current code; authorities that were split or merged (Cumbria, Northamptonshire) are different
authorities with their own old codes and are never spliced into their successors' series.
"""
from qa_dashboard.benchmarks.authority import (
    SETTING, Authority, AuthorityNotFound, chosen_authority, find_authority, known_authorities, neighbours_of,
    set_authority,
)

__all__ = ["SETTING", "Authority", "AuthorityNotFound", "chosen_authority", "find_authority", "known_authorities",
           "neighbours_of", "set_authority"]
