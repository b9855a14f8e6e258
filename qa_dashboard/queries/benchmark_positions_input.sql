-- Every authority's published figures, the input of benchmarks/positions.py (no parameters):
-- the `benchmarks` rows at 'Local authority', one per year, indicator and authority (a ready-made
-- row repeating a DfE figure counts once). Suppressed figures are absent rows, never zero.
SELECT year, indicator, area_code, area_name, value
FROM benchmarks
WHERE geography_level = 'Local authority' AND value IS NOT NULL AND area_code IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY year, indicator, area_code ORDER BY value) = 1
ORDER BY year, indicator, area_code;
