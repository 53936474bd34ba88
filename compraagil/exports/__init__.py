"""Excel exports: workbooks built from plain data, written atomically, served only to their company."""
