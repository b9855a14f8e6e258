-- Overall judgements by financial quarter for the chosen service area, team and audit type
-- (each ? pair: value or NULL for all). Counts, so shares can carry their n. Grade ranks come
-- from the grade scale (1 = Outstanding): good or better is the catalogue's (the good_or_better
-- macro the store defines from it), inadequate the worst rank.
SELECT quarter_start, quarter,
       count(*) AS audits,
       count(*) FILTER (WHERE good_or_better(grade_rank)) AS good_or_better,
       count(*) FILTER (WHERE grade_rank = (SELECT max(grade_rank) FROM grade_scale)) AS inadequate
FROM audit_judgements
WHERE practice_area = 'overall'
  AND (? IS NULL OR service_area = ?) AND (? IS NULL OR team = ?) AND (? IS NULL OR audit_type = ?)
GROUP BY ALL
ORDER BY quarter_start;
