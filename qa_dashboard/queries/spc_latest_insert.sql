-- Fill spc_latest from the registered frame `spc_latest_frame` (qa_dashboard/store/spc_tables.py).
INSERT INTO spc_latest BY NAME SELECT * FROM spc_latest_frame
