-- Each authority's statistical neighbours in DfE's model, by current ONS code (no parameters):
-- the input of benchmarks/positions.py for the rank among an authority and its neighbours.
SELECT a.new_la_code AS area_code, n.new_la_code AS neighbour_code
FROM statistical_neighbours s
JOIN dfe_authorities a ON a.old_la_code = s.old_la_code
JOIN dfe_authorities n ON n.old_la_code = s.neighbour_old_code
WHERE s.superseded_by IS NULL AND a.new_la_code IS NOT NULL AND n.new_la_code IS NOT NULL
ORDER BY area_code, s.rank;
