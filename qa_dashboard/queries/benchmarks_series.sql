-- DfE's published figures for one indicator (? = indicator code), by year ending 31 March: the
-- chosen authority (meta `authority`), the mean of its statistical neighbours, its region and
-- England. Without a chosen authority only England comes back. Annual published figures: a page
-- draws them as their own labelled lines, never joined to the monthly local figures.
WITH chosen AS (
    SELECT a.* FROM dfe_authorities a JOIN meta ON meta.key = 'authority' AND meta.value = a.old_la_code)
SELECT b.year, financial_year(make_date(b.year, 3, 31)) AS financial_year, b.indicator, b.geography_level,
       b.area_code, b.area_name, b.value, b.neighbours_averaged,
       CASE b.geography_level WHEN 'Local authority' THEN b.area_name
                              WHEN 'Statistical neighbours' THEN 'Statistical neighbours (mean)'
                              WHEN 'Region' THEN b.area_name || ' (region)'
                              ELSE 'England' END AS series,
       CASE b.geography_level WHEN 'Local authority' THEN 1 WHEN 'Statistical neighbours' THEN 2
                              WHEN 'Region' THEN 3 ELSE 4 END AS series_order
FROM benchmarks b LEFT JOIN chosen c ON true
WHERE b.indicator = ?
  AND (b.geography_level = 'England'
       OR (b.geography_level = 'Local authority' AND b.area_code = c.new_la_code)
       OR (b.geography_level = 'Statistical neighbours' AND b.area_code = 'SN:' || c.new_la_code)
       OR (b.geography_level = 'Region' AND b.area_code = c.region_code))
ORDER BY series_order, b.year;
