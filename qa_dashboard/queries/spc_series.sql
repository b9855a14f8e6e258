-- Every indicator series' figures, for qa_dashboard/store/spc_tables.py to read with spc.py:
-- the authority's (team NULL), each team's, and each breakdown's, over every month loaded.
-- A month with no figure is left out (spc.py spans it).
SELECT indicator, team, breakdown, polarity, period, value, target
FROM kpi_values
WHERE value IS NOT NULL
ORDER BY indicator, team NULLS FIRST, breakdown NULLS FIRST, period
