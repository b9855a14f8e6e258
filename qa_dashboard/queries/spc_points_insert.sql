-- Fill spc_points from the registered frame `spc_points_frame` (qa_dashboard/store/spc_tables.py).
INSERT INTO spc_points BY NAME SELECT * FROM spc_points_frame
