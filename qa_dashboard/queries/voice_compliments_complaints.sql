-- Compliments and complaints per financial quarter and service area: one per person
-- (response_id), else one per row. Every quarter and service area with any feedback has a row,
-- so a quarter with feedback but no complaints reads 0, while a quarter with no feedback at all
-- is absent: a gap, not a zero. Parameters: the compliment source, the complaint source (from
-- the contract), first month, month after the last, service area (twice), team (twice).
WITH chosen AS (
    SELECT *, ? AS compliment, ? AS complaint FROM feedback
    WHERE month >= ? AND month < ?
      AND (? IS NULL OR service_area = ?) AND (? IS NULL OR team = ?)
)
SELECT quarter_start, quarter, coalesce(service_area, 'Unassigned') AS service_area,
       count(DISTINCT response_id) FILTER (WHERE source = compliment)
         + count(*) FILTER (WHERE source = compliment AND response_id IS NULL) AS compliments,
       count(DISTINCT response_id) FILTER (WHERE source = complaint)
         + count(*) FILTER (WHERE source = complaint AND response_id IS NULL) AS complaints
FROM chosen
GROUP BY ALL
ORDER BY quarter_start, service_area;
