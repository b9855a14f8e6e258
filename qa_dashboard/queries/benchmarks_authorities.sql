-- The authorities a dashboard may belong to, for the authority picker (no parameters): those in
-- DfE's statistical-neighbour model when it is loaded, otherwise every authority with figures.
-- `chosen` marks the current setting (meta `authority`).
SELECT a.old_la_code, a.new_la_code, a.la_name, a.region_name,
       a.old_la_code IS NOT DISTINCT FROM (SELECT value FROM meta WHERE key = 'authority') AS chosen
FROM dfe_authorities a
WHERE a.in_neighbour_model OR NOT EXISTS (SELECT 1 FROM statistical_neighbours WHERE superseded_by IS NULL)
ORDER BY a.la_name;
