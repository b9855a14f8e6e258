-- Whose loads are in force: the demo builder's (the user given) and everyone else's. `demo`
-- builds only into a database that holds no one else's loads.
SELECT
    count(*) FILTER (WHERE loaded_by = ?) AS demo_loads,
    count(*) FILTER (WHERE loaded_by <> ?) AS other_loads
FROM uploads
WHERE status = 'loaded';
