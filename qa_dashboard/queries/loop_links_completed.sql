-- The themed audits and actions linked to an indicator that have completed (loop verdicts).
SELECT indicator, kind, reference, title, started, completed, status, audits_n
FROM indicator_links
WHERE completed IS NOT NULL
ORDER BY indicator, completed, kind, reference
