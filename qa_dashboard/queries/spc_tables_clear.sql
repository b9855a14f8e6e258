-- Empty the SPC tables before qa_dashboard/store/spc_tables.py fills them again (one transaction).
DELETE FROM spc_points;
DELETE FROM spc_latest;
