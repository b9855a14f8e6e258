-- Whether this database has the themed_audits view yet (a file written before the learning loop
-- gets it at its next write).
SELECT count(*) > 0 FROM information_schema.tables
WHERE table_schema = 'main' AND table_name = 'themed_audits'
