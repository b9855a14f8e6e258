-- Empty the loop tables before qa_dashboard/store/loop_tables.py fills them again (one transaction).
DELETE FROM loop_warning_rows;
DELETE FROM loop_verdict_rows;
