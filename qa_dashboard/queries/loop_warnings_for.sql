-- The months an indicator warned for a team (NULL team: the whole authority), newest first,
-- with why, and the linked themed audits and actions started or completed since each warning.
SELECT period, reasons, concern, fails, red, band
FROM early_warnings
WHERE indicator = $indicator AND team IS NOT DISTINCT FROM $team
ORDER BY period DESC
