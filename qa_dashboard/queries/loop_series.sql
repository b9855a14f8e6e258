-- Every indicator series of the authority and each team (breakdowns left out), for
-- qa_dashboard/store/loop_tables.py to read with loop.py: early warnings and verdicts.
SELECT indicator, team, polarity, unit, period, value, target
FROM kpi_values
WHERE value IS NOT NULL AND breakdown IS NULL
ORDER BY indicator, team NULLS FIRST, period
