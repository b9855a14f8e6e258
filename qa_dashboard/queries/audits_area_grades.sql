-- Judgements by practice area, financial quarter and grade within the chosen months
-- ($first_month, $month_after exclusive) for the chosen service area, team and audit type. The overall
-- judgement is practice_area 'overall'. A NULL grade counts the areas the auditor did not judge
-- (blank or N/A, from audit_areas_not_judged), so the page can count them and leave them out
-- of shares; an area the audit's file had no column for is in neither.
WITH rows AS (
    SELECT practice_area, practice_area_label, practice_area_order, quarter_start, quarter, grade, grade_rank,
           month, service_area, team, audit_type
    FROM audit_judgements
    UNION ALL
    SELECT practice_area, practice_area_label, practice_area_order, quarter_start, quarter, NULL, NULL,
           month, service_area, team, audit_type
    FROM audit_areas_not_judged)
SELECT practice_area, practice_area_label, practice_area_order, quarter_start, quarter,
       grade, grade_rank, count(*) AS judgements
FROM rows
WHERE month >= $first_month AND month < $month_after
  AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
  AND ($audit_type IS NULL OR audit_type = $audit_type)
GROUP BY ALL
ORDER BY practice_area_order, quarter_start, grade_rank NULLS LAST;
