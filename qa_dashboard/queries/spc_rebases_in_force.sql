-- The months each indicator's limits start again from (team NULL: the whole authority).
SELECT indicator, team, month, reason, author, written_at
FROM kpi_spc_rebases
ORDER BY indicator, team NULLS FIRST, month
