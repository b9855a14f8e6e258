-- Overall judgements by month and grade for the chosen service area, team and audit type
-- ($service_area, $team, $audit_type: each a value or NULL for all). Every month loaded, not
-- only the chosen period: the rolling 3- and 6-month lines need the months before the period,
-- and "this year against last" needs last year's months. A month without audits has no rows
-- (a gap, never a zero).
SELECT a.month, a.quarter_start, a.quarter, a.financial_year, a.overall AS grade, g.grade_rank,
       count(*) AS audits
FROM audits a JOIN grade_scale g ON g.grade = a.overall
WHERE ($service_area IS NULL OR a.service_area = $service_area) AND ($team IS NULL OR a.team = $team)
  AND ($audit_type IS NULL OR a.audit_type = $audit_type)
GROUP BY ALL
ORDER BY a.month, g.grade_rank;
