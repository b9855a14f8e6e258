-- Overall judgements by month and grade for the chosen service area, team and audit type
-- (each ? pair: value or NULL for all). Every month loaded, not only the chosen period: the
-- rolling 3- and 6-month lines need the months before the period, and "this year against
-- last" needs last year's months. A month without audits has no rows (a gap, never a zero).
SELECT a.month, a.quarter_start, a.quarter, a.financial_year, a.overall AS grade, g.grade_rank,
       count(*) AS audits
FROM audits a JOIN grade_scale g ON g.grade = a.overall
WHERE (? IS NULL OR a.service_area = ?) AND (? IS NULL OR a.team = ?) AND (? IS NULL OR a.audit_type = ?)
GROUP BY ALL
ORDER BY a.month, g.grade_rank;
