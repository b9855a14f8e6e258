-- The months an indicator warned for the whole authority (team NULL) and for $team, with why,
-- for System health: the page keeps the scope it shows (qa_dashboard/loop_shown.of_scope).
SELECT team, period, reasons, concern, fails, red, band
FROM early_warnings
WHERE indicator = $indicator AND (team IS NULL OR team = $team)
ORDER BY period
