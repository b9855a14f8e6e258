-- Comments in the respondents' own words, newest first. No response_id: the page never shows
-- anything that points to a person. Parameters: $first_month, $month_after (the month after
-- the last), $service_area, $team (each a value or NULL).
SELECT response_date, quarter, respondent,
       coalesce(service_area, 'Unassigned') AS service_area, team, source, theme, comment
FROM feedback
WHERE comment IS NOT NULL
  AND month >= $first_month AND month < $month_after
  AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
ORDER BY response_date DESC, respondent, comment;
