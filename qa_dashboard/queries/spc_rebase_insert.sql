-- A new version of one rebase (qa_dashboard/rebases.py): indicator, team, month, reason, author,
-- written_at, removed, version.
INSERT INTO spc_rebases VALUES (?, ?, ?, ?, ?, ?, ?, ?)
