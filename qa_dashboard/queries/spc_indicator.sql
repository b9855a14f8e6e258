-- One indicator of the catalogue (or a custom one a load brought), by its code.
SELECT code, label FROM indicator_catalogue WHERE code = ?
