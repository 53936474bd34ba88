"""ChileCompra's COT open-data files (a month's zip with COT1/COT2, or one CSV), in the order a file
goes through them:

- `download`, `months`: fetch a month's zip from ChileCompra's server and import it;
- `reader` (with `encoding`, `columns`): open a source, its CSVs, their encoding and header
  variant, and find a record again by file and number;
- `blocks`: read a CSV in 1 MB blocks of records (pyarrow), malformed records set aside;
- `validation`: the rules every record must pass (where COT rows are validated), on whole columns;
- `staging` (with `groups`, `column_values`, `staged_rows`): group records into cotizaciones,
  quotes and lines, duplicates counted, and write the staging rows; `staging_process` runs this in a
  child process while the loader writes what it sends;
- `importer`: one import run from start to landing (`import_cot_file`), with `split_cotizaciones`
  settling cotizaciones that came in parts and `loading` moving the staged quotes, lines and
  requested items into the history.

Shared with the API v2 importer, one level up: `ingest/values.py` (the rules for one value) and
`ingest/runs.py` (runs, counts, rejects, what follows a landed run).
"""
