-- Whether this database has the benchmark_positions view (quartile bands among every authority).
SELECT count(*) > 0 FROM information_schema.tables
WHERE table_schema = 'main' AND table_name = 'benchmark_positions'
