-- Comments in the respondents' own words, newest first. No response_id: the page never shows
-- anything that points to a person. Parameters: first month, month after the last, service
-- area (twice), team (twice).
SELECT response_date, quarter, respondent,
       coalesce(service_area, 'Unassigned') AS service_area, team, source, theme, comment
FROM feedback
WHERE comment IS NOT NULL
  AND month >= ? AND month < ?
  AND (? IS NULL OR service_area = ?) AND (? IS NULL OR team = ?)
ORDER BY response_date DESC, respondent, comment;
