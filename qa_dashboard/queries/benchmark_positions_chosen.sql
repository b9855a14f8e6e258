-- The chosen authority's position among every authority (meta `authority`; no parameters), for
-- each published indicator and year: rank, band, rank among its neighbours and in its region,
-- and where its figure falls against the middle half of authorities. Nothing without a choice.
WITH chosen AS (
    SELECT a.* FROM dfe_authorities a JOIN meta ON meta.key = 'authority' AND meta.value = a.old_la_code)
SELECT p.year, p.financial_year, p.indicator, p.area_name, p.value, p.rank, p.of_count, p.quartile_band,
       p.sn_rank, p.sn_of, p.region_rank, p.region_of, p.lower_quartile, p.median, p.upper_quartile, p.middle_half
FROM benchmark_positions p JOIN chosen c ON c.new_la_code = p.area_code
ORDER BY p.indicator, p.year;
