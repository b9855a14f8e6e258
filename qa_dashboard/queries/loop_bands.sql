-- The chosen authority's published bands per indicator and year (benchmark_positions), for the
-- "band D" early warning.
SELECT p.indicator, p.year, p.quartile_band, p.rank, p.of_count
FROM benchmark_positions p
WHERE p.area_code IN (
    SELECT unnest(list_append(a.ons_codes, a.new_la_code)) FROM dfe_authorities a
    WHERE a.old_la_code = (SELECT value FROM meta WHERE key = 'authority'))
ORDER BY p.indicator, p.year
