-- Themed audits with their indicators, the number of case audits under each theme and their
-- overall judgement mix (grade and n, best first), for the Audits page.
WITH mix AS (
    SELECT a.theme, list(struct_pack(grade := a.overall, n := a.n) ORDER BY g.grade_rank) AS judgements,
           sum(a.n) AS audits_n
    FROM (SELECT theme, overall, count(*) AS n FROM audits WHERE theme IS NOT NULL GROUP BY ALL) a
    LEFT JOIN grade_scale g ON g.grade = a.overall
    GROUP BY a.theme)
SELECT t.theme, t.indicators, t.reason, t.commissioned, t.completed, t.status, t.findings,
       coalesce(m.audits_n, 0) AS audits_n, m.judgements
FROM themed_audits t LEFT JOIN mix m ON m.theme = t.theme
ORDER BY t.commissioned NULLS LAST, t.theme
