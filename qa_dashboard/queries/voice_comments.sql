-- Comments in the respondents' own words, newest first. No response_id: the page never shows
-- anything that points to a person. Parameters: $first_month, $month_after (the month after
-- the last), $service_area, $team (each a value or NULL).
-- comment_key: the row's identity for choosing it for the board pack (a hash, pointing to no one).
SELECT response_date, quarter, respondent,
       coalesce(service_area, 'Unassigned') AS service_area, team, source, theme, comment,
       md5(concat_ws('|', response_date, respondent, service_area, team, source, response_id, question, comment))
           AS comment_key
FROM feedback
WHERE comment IS NOT NULL
  AND month >= $first_month AND month < $month_after
  AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
ORDER BY response_date DESC, respondent, comment;
