-- Fill loop_warning_rows from the registered frame (qa_dashboard/store/loop_tables.py).
INSERT INTO loop_warning_rows BY NAME SELECT * FROM loop_warning_rows_frame
