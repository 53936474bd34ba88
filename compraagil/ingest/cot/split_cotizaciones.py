"""Cotizaciones whose rows were not all together in the source (across a month's two CSVs, or
scattered in one): the reader staged each part on its own, so their duplicates, quotes and line
numbers are settled here, on the whole of each, before landing. (Across parts, lines are compared
on the fields staged for them, not on their raw text: the few fields left out are the
cotización's own, the same on all its rows.)"""

import psycopg

DROP_DUPLICATES = """
DELETE FROM stage_lines s USING (
    SELECT file_index, record, row_number() OVER (
        PARTITION BY codigo, supplier_rut, product_code, product_name, description, quantity, quote_total,
                     currency, winner
        ORDER BY file_index, record) AS n
    FROM stage_lines WHERE codigo = ANY(%(codigos)s)
) d
WHERE d.n > 1 AND s.file_index = d.file_index AND s.record = d.record
"""

RENUMBER_LINES = """
UPDATE stage_lines s SET quote_number = r.quote_number, line_number = r.line_number,
                         single_line = r.lines = 1, closing_date = r.closing_date
FROM (
    SELECT file_index, record, min(closing_date) OVER (PARTITION BY codigo) AS closing_date,
           dense_rank() OVER (PARTITION BY codigo, supplier_rut ORDER BY quote_first) AS quote_number,
           row_number() OVER (PARTITION BY codigo, supplier_rut, quote_first ORDER BY file_index, record)
               AS line_number,
           count(*) OVER (PARTITION BY codigo, supplier_rut, quote_first) AS lines
    FROM (SELECT *, min((file_index::bigint << 40) | record)
                        OVER (PARTITION BY codigo, supplier_rut, quote_total) AS quote_first
          FROM stage_lines WHERE codigo = ANY(%(codigos)s)) x
) r
WHERE s.file_index = r.file_index AND s.record = r.record
"""

REBUILD_QUOTES = (
    # a part's records say nothing of the whole: such cotizaciones are always landed, and keep no
    # fingerprint (a part read as last imported is then never left out by the reader)
    "DELETE FROM unchanged_cotizaciones WHERE codigo = ANY(%(codigos)s)",
    "UPDATE tenders SET cot_fingerprint = NULL WHERE codigo = ANY(%(codigos)s) AND cot_fingerprint IS NOT NULL",
    "DELETE FROM stage_quotes WHERE codigo = ANY(%(codigos)s)",
    """
INSERT INTO stage_quotes (codigo, closing_date, unit_code, region, supplier_rut, quote_number, total, currency,
                          winner, line_count)
SELECT codigo, min(closing_date), min(unit_code), min(region), supplier_rut, quote_number, min(quote_total),
       min(currency), bool_or(winner), count(*)
FROM stage_lines WHERE codigo = ANY(%(codigos)s)
GROUP BY codigo, supplier_rut, quote_number
""",
    """
UPDATE tenders t SET quotes_received = n.quotes
FROM (SELECT codigo, count(*) AS quotes FROM stage_quotes WHERE codigo = ANY(%(codigos)s) GROUP BY codigo) n
WHERE t.codigo = n.codigo AND t.quotes_received IS DISTINCT FROM n.quotes
""",
    """
DELETE FROM stage_items s USING (
    SELECT file_index, record, row_number() OVER (
        PARTITION BY codigo, product_code, name, quantity ORDER BY file_index, record) AS n
    FROM stage_items WHERE codigo = ANY(%(codigos)s)
) d
WHERE d.n > 1 AND s.file_index = d.file_index AND s.record = d.record
""",
    """
UPDATE stage_items s SET line_number = r.line_number
FROM (SELECT file_index, record, row_number() OVER (PARTITION BY codigo ORDER BY file_index, record) AS line_number
      FROM stage_items WHERE codigo = ANY(%(codigos)s)) r
WHERE s.file_index = r.file_index AND s.record = r.record
""",
    """
DELETE FROM changed_tenders c USING tenders t, (
    SELECT DISTINCT ON (codigo) codigo, old_state, old_items_missing, old_quotes_received
    FROM changed_tenders WHERE codigo = ANY(%(codigos)s) ORDER BY codigo, id
) f
WHERE c.codigo = f.codigo AND t.codigo = f.codigo AND NOT f.old_items_missing
  AND t.state IS NOT DISTINCT FROM f.old_state AND t.quotes_received IS NOT DISTINCT FROM f.old_quotes_received
""",
)
"""The quotes of the settled lines, the requested items once each and numbered in order, and the
number of quotes their tenders received; a tender that
only seemed changed while its parts came in (it ends as it was) is not counted as changed."""


def join_split_cotizaciones(conn: psycopg.Connection, codigos: list[str]) -> int:
    """Settle the staged rows of `codigos` as if each had come whole; returns the duplicate lines
    found across their parts (dropped from the staging)."""
    duplicates = conn.execute(DROP_DUPLICATES, {"codigos": codigos}).rowcount
    conn.execute(RENUMBER_LINES, {"codigos": codigos})
    for statement in REBUILD_QUOTES:
        conn.execute(statement, {"codigos": codigos})
    return duplicates
