-- One row per audit completed within the chosen months ($first_month, $month_after exclusive) for the
-- chosen service area, team and audit type: what the activity, moderation and learning-loop
-- figures count, and what a drill-down lists. Grade ranks come from the grade scale
-- (1 = best) so moderation can tell a grade moved down from one moved up.
SELECT a.audit_id, a.audit_date, a.month, a.quarter_start, a.quarter, a.financial_year,
       a.team, a.service_area, a.audit_type,
       a.overall, g.grade_rank AS overall_rank,
       a.original_overall, o.grade_rank AS original_rank, a.moderated,
       a.actions_agreed, a.actions_completed, a.theme_strengths, a.theme_development,
       a.voice_of_child, a.identification_of_harm, a.assessment, a.planning, a.permanence,
       a.multi_agency, a.management_oversight, a.relationships, a.outcomes, a.diversity
FROM audits a
LEFT JOIN grade_scale g ON g.grade = a.overall
LEFT JOIN grade_scale o ON o.grade = a.original_overall
WHERE a.month >= $first_month AND a.month < $month_after
  AND ($service_area IS NULL OR a.service_area = $service_area) AND ($team IS NULL OR a.team = $team)
  AND ($audit_type IS NULL OR a.audit_type = $audit_type)
ORDER BY a.audit_date, a.audit_id;
