-- One rebase's versions, newest first: (indicator, team, month).
SELECT version, removed, reason, author, written_at
FROM spc_rebases
WHERE indicator = ? AND team IS NOT DISTINCT FROM ? AND month = ?
ORDER BY version DESC
