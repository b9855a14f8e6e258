-- The latest published figure of each indicator for the chosen authority, its statistical
-- neighbours, its region and England (no parameters): what a scorecard's comparator columns show
-- when the upload carried none. `year` says which year (ending 31 March) each figure is for.
WITH chosen AS (
    SELECT a.* FROM dfe_authorities a JOIN meta ON meta.key = 'authority' AND meta.value = a.old_la_code),
ours AS (
    SELECT b.* FROM benchmarks b LEFT JOIN chosen c ON true
    WHERE b.geography_level = 'England'
       OR (b.geography_level = 'Local authority' AND b.area_code = c.new_la_code)
       OR (b.geography_level = 'Statistical neighbours' AND b.area_code = 'SN:' || c.new_la_code)
       OR (b.geography_level = 'Region' AND b.area_code = c.region_code))
SELECT indicator, geography_level, max(year) AS year, arg_max(value, year) AS value,
       arg_max(area_name, year) AS area_name, arg_max(neighbours_averaged, year) AS neighbours_averaged
FROM ours
GROUP BY indicator, geography_level
ORDER BY indicator, geography_level;
