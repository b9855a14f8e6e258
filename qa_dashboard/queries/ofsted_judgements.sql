-- Ofsted's latest ILACS judgements beside the figures (no parameters). One row per authority
-- shown: the chosen authority (meta `authority`), its statistical neighbours (DfE's model,
-- closest first, `neighbour_rank`) and every authority of its region, itself included. A
-- neighbour or the authority itself with no row in the loaded overview has `in_file` false.
-- The last row (`role` 'file') says whether any overview is loaded (`in_file`) and names the
-- chosen authority, if one is chosen.
WITH chosen AS (
    SELECT a.old_la_code, a.la_name, a.region_code, a.region_name
    FROM dfe_authorities a JOIN meta ON meta.key = 'authority' AND meta.value = a.old_la_code),
neighbours AS (
    SELECT n.rank, n.neighbour_old_code FROM statistical_neighbours n
    JOIN chosen c ON c.old_la_code = n.old_la_code WHERE n.superseded_by IS NULL)
SELECT 'authority' AS role, NULL::INTEGER AS neighbour_rank, c.la_name, j.overall_effectiveness,
       j.inspection_start, j.inspection_end, j.published, j.framework, c.region_name,
       j.old_la_code IS NOT NULL AS in_file
FROM chosen c LEFT JOIN ofsted_judgements j ON j.old_la_code = c.old_la_code
UNION ALL
SELECT 'neighbour', n.rank, coalesce(a.la_name, j.la_name, n.neighbour_old_code), j.overall_effectiveness,
       j.inspection_start, j.inspection_end, j.published, j.framework, NULL, j.old_la_code IS NOT NULL
FROM neighbours n LEFT JOIN ofsted_judgements j ON j.old_la_code = n.neighbour_old_code
LEFT JOIN dfe_authorities a ON a.old_la_code = n.neighbour_old_code
UNION ALL
SELECT 'region', NULL, j.la_name, j.overall_effectiveness, j.inspection_start, j.inspection_end, j.published,
       j.framework, c.region_name, true
FROM ofsted_judgements j JOIN chosen c ON c.region_name = j.region_name
UNION ALL
SELECT 'file', NULL, (SELECT la_name FROM chosen), NULL, NULL, NULL, NULL, NULL, NULL,
       EXISTS (SELECT 1 FROM ofsted_judgements)
ORDER BY role, neighbour_rank, la_name;
