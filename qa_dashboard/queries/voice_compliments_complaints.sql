-- Compliments and complaints per financial quarter and service area: one per person
-- (response_id), else one per row. Every quarter and service area with any feedback has a row,
-- so a quarter with feedback but no complaints reads 0, while a quarter with no feedback at all
-- is absent: a gap, not a zero. Parameters: $compliment and $complaint (the sources' spellings
-- in the contract), $first_month, $month_after, $service_area, $team (each a value or NULL).
WITH chosen AS (
    SELECT *, $compliment AS compliment, $complaint AS complaint FROM feedback
    WHERE month >= $first_month AND month < $month_after
      AND ($service_area IS NULL OR service_area = $service_area) AND ($team IS NULL OR team = $team)
)
SELECT quarter_start, quarter, coalesce(service_area, 'Unassigned') AS service_area,
       count(DISTINCT response_id) FILTER (WHERE source = compliment)
         + count(*) FILTER (WHERE source = compliment AND response_id IS NULL) AS compliments,
       count(DISTINCT response_id) FILTER (WHERE source = complaint)
         + count(*) FILTER (WHERE source = complaint AND response_id IS NULL) AS complaints
FROM chosen
GROUP BY ALL
ORDER BY quarter_start, service_area;
