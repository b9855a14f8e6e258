-- Fill loop_verdict_rows from the registered frame (qa_dashboard/store/loop_tables.py).
INSERT INTO loop_verdict_rows BY NAME SELECT * FROM loop_verdict_rows_frame
