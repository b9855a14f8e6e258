-- The themed audits and actions linked to an indicator, each themed audit with its case audits'
-- overall judgement mix (grade and n, best first), for System health's "The loop".
WITH mix AS (
    SELECT a.theme, list(struct_pack(grade := a.overall, n := a.n) ORDER BY g.grade_rank) AS judgements
    FROM (SELECT theme, overall, count(*) AS n FROM audits WHERE theme IS NOT NULL GROUP BY ALL) a
    LEFT JOIN grade_scale g ON g.grade = a.overall
    GROUP BY a.theme)
SELECT l.kind, l.reference, l.title, l.started, l.completed, l.status, l.rag, l.audits_n, l.findings,
       m.judgements
FROM indicator_links l
LEFT JOIN mix m ON m.theme = l.reference AND l.audits_n IS NOT NULL
WHERE l.indicator = $indicator
ORDER BY coalesce(l.completed, l.started) NULLS LAST, l.kind, l.reference
