-- Every authority's published figure for one indicator and year (? = indicator code, ? = year
-- ending 31 March), lowest first, for the position chart: its rank and band, whether it is the
-- chosen authority (meta `authority`) or one of its statistical neighbours, and England's figure.
WITH chosen AS (
    SELECT a.* FROM dfe_authorities a JOIN meta ON meta.key = 'authority' AND meta.value = a.old_la_code),
neighbours AS (
    SELECT n.new_la_code FROM statistical_neighbours s
    JOIN chosen c ON c.old_la_code = s.old_la_code
    JOIN dfe_authorities n ON n.old_la_code = s.neighbour_old_code
    WHERE s.superseded_by IS NULL)
SELECT p.year, p.financial_year, p.area_code, p.area_name, p.value, p.rank, p.of_count, p.quartile_band,
       p.lower_quartile, p.median, p.upper_quartile,
       coalesce(p.area_code = c.new_la_code, false) AS is_authority,
       p.area_code IN (SELECT new_la_code FROM neighbours) AS is_neighbour,
       e.value AS england
FROM benchmark_positions p
LEFT JOIN chosen c ON true
LEFT JOIN benchmarks e ON e.geography_level = 'England' AND e.indicator = p.indicator AND e.year = p.year
WHERE p.indicator = ? AND p.year = ?
ORDER BY p.value, p.area_name;
