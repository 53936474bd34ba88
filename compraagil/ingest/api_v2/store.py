"""Store API v2 records: the tender, its buyer, its requested items, its quotes and their lines.

Every row is upserted by its natural key and written only when one of its values differs, and rows
the record no longer lists are deleted: loading a record that did not change writes nothing.
"""

import json
from datetime import date, datetime
from typing import Literal

import psycopg

from compraagil.chile.dates import SANTIAGO
from compraagil.ingest.api_v2.mapping import Quote, TenderRecord, map_record
from compraagil.ingest.runs import ImportCounts
from compraagil.ingest.values import BadValue
from compraagil.pricing import history

Outcome = Literal["inserted", "updated", "unchanged"]


def upsert_sql(
    table: str,
    key: tuple[str, ...],
    compared: tuple[str, ...],
    *,
    merged: dict[str, str] | None = None,
    untracked: tuple[str, ...] = (),
    on_write: dict[str, str] | None = None,
) -> str:
    """INSERT … ON CONFLICT (key) DO UPDATE that writes only when a `compared` value differs.

    Values come as named parameters (`%(column)s`). `merged` gives a column's new value when it is
    not simply `excluded.column`; `untracked` columns are written along but never compared (the run
    id); `on_write` sets further columns when the row is written (`updated_at = now()`).
    """
    merged = merged or {}
    columns = key + compared + untracked
    new = {column: merged.get(column, f"excluded.{column}") for column in compared}
    assignments = new | {column: f"excluded.{column}" for column in untracked} | (on_write or {})
    return (
        f"INSERT INTO {table} ({', '.join(columns)})"
        f" VALUES ({', '.join(f'%({column})s' for column in columns)})"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET"
        f" {', '.join(f'{column} = {value}' for column, value in assignments.items())}"
        f" WHERE ({', '.join(f'{table}.{column}' for column in compared)})"
        f" IS DISTINCT FROM ({', '.join(new.values())})"
    )


def _id_and_written(upsert: str, table: str, key: str) -> str:
    """`upsert`, then (id, written) for its row whether it was written or already equal."""
    return (
        f"WITH written AS ({upsert} RETURNING id) SELECT id, true FROM written"
        f" UNION ALL SELECT id, false FROM {table}"
        f" WHERE {key} = %({key})s AND NOT EXISTS (SELECT 1 FROM written)"
    )


UPSERT_BUYER = _id_and_written(
    upsert_sql(
        "buyers",
        ("unit_code",),
        ("unit_name", "organismo", "rut", "region"),
        merged={
            "unit_name": "coalesce(nullif(excluded.unit_name, ''), buyers.unit_name)",
            "organismo": "coalesce(nullif(excluded.organismo, ''), buyers.organismo)",
            "rut": "coalesce(excluded.rut, buyers.rut)",
            "region": "coalesce(excluded.region, buyers.region)",
        },
    ),
    "buyers",
    "unit_code",
)

UPSERT_SUPPLIER = _id_and_written(
    upsert_sql(
        "suppliers", ("rut",), ("name", "size"), merged={"size": "coalesce(excluded.size, suppliers.size)"}
    ),
    "suppliers",
    "rut",
)

PRODUCT_ID = """
WITH added AS (INSERT INTO products (name) VALUES (%(name)s) ON CONFLICT (name) DO NOTHING RETURNING id)
SELECT id FROM added UNION ALL SELECT id FROM products WHERE name = %(name)s
"""

UPSERT_TENDER = """
WITH written AS ({upsert} RETURNING id, old.id IS NULL AS created, old.closes_at)
SELECT id, true, created, closes_at FROM written
UNION ALL SELECT id, false, false, closes_at FROM tenders
WHERE codigo = %(codigo)s AND NOT EXISTS (SELECT 1 FROM written)
""".format(
    upsert=upsert_sql(
        "tenders",
        ("codigo",),
        ("name", "description", "state", "buyer_id", "region", "published_at", "closes_at")
        + ("amount_available", "currency", "delivery_address", "delivery_days", "quotes_received")
        + ("items_text", "source", "source_changed_at"),
        merged={
            column: f"coalesce(excluded.{column}, tenders.{column})"
            for column in ("description", "delivery_address", "delivery_days", "items_text")
        },
        on_write={"updated_at": "now()"},
    )
)

TOUCH_TENDER = "UPDATE tenders SET updated_at = now() WHERE id = %s"

UPSERT_ITEM = upsert_sql(
    "tender_items",
    ("tender_id", "line_number"),
    ("product_code", "name", "description", "quantity", "unit"),
)

DELETE_ITEMS_BEYOND = "DELETE FROM tender_items WHERE tender_id = %s AND line_number > %s"

QUOTE_KEY = ("closing_date", "tender_codigo", "supplier_id", "quote_number")

UPSERT_QUOTE = upsert_sql(
    "quotes",
    QUOTE_KEY,
    ("source_quote_id", "buyer_id", "region", "state", "state_reason", "currency", "total")
    + ("total_clp", "winner", "line_count"),
    untracked=("import_run_id",),
)

UPSERT_LINE = upsert_sql(
    "quote_lines",
    QUOTE_KEY + ("line_number",),
    ("published_date", "buyer_id", "product_id", "product_code", "description", "quantity")
    + ("unit_price", "amount", "currency", "winner", "region"),
    untracked=("import_run_id",),
)

DELETE_QUOTES_NOT_LISTED = """
DELETE FROM quotes WHERE tender_codigo = %(codigo)s AND closing_date = ANY(%(days)s::date[])
AND (closing_date, supplier_id, quote_number) NOT IN (
    SELECT %(day)s::date, supplier_id, quote_number
    FROM unnest(%(supplier_ids)s::int[], %(quote_numbers)s::int[]) AS listed(supplier_id, quote_number))
"""

DELETE_LINES_NOT_LISTED = """
DELETE FROM quote_lines WHERE tender_codigo = %(codigo)s AND closing_date = ANY(%(days)s::date[])
AND (closing_date, supplier_id, quote_number, line_number) NOT IN (
    SELECT %(day)s::date, supplier_id, quote_number, line_number
    FROM unnest(%(supplier_ids)s::int[], %(quote_numbers)s::int[], %(line_numbers)s::int[])
         AS listed(supplier_id, quote_number, line_number))
"""


def _buyer(conn: psycopg.Connection, record: TenderRecord) -> tuple[int, bool]:
    """The buyer's id, and whether its row was written."""
    fallback = record.unit_name or record.organismo or record.unit_code
    return conn.execute(
        UPSERT_BUYER,
        {
            "unit_code": record.unit_code,
            "unit_name": fallback,
            "organismo": record.organismo or fallback,
            "rut": record.buyer_rut,
            "region": record.region,
        },
    ).fetchone()


def _items_text(record: TenderRecord) -> str | None:
    """The requested items as one searchable text."""
    items = record.items or []
    return " · ".join(" ".join(filter(None, (item.name, item.description))) for item in items) or None


def _tender(
    conn: psycopg.Connection, record: TenderRecord, buyer_id: int
) -> tuple[int, bool, bool, datetime | None]:
    """(id, written, created, closing time before this load) of the record's tender."""
    return conn.execute(
        UPSERT_TENDER,
        {
            "codigo": record.codigo,
            "name": record.name,
            "description": record.description,
            "state": record.state,
            "buyer_id": buyer_id,
            "region": record.region,
            "published_at": record.published_at,
            "closes_at": record.closes_at,
            "amount_available": record.amount_available,
            "currency": record.currency,
            "delivery_address": record.delivery_address,
            "delivery_days": record.delivery_days,
            "quotes_received": record.quotes_received,
            "items_text": _items_text(record),
            "source": "api",
            "source_changed_at": record.changed_at,
        },
    ).fetchone()


def _store_items(conn: psycopg.Connection, tender_id: int, record: TenderRecord) -> bool:
    """Upsert the requested items by line number, drop lines beyond the last; True if any row changed."""
    if record.items is None:
        return False
    with conn.cursor() as cursor:
        cursor.executemany(
            UPSERT_ITEM,
            [
                {
                    "tender_id": tender_id,
                    "line_number": item.line_number,
                    "product_code": item.product_code,
                    "name": item.name,
                    "description": item.description,
                    "quantity": item.quantity,
                    "unit": item.unit,
                }
                for item in record.items
            ],
        )
        written = cursor.rowcount
    deleted = conn.execute(DELETE_ITEMS_BEYOND, (tender_id, len(record.items))).rowcount
    return written + deleted > 0


def _supplier(conn: psycopg.Connection, quote: Quote) -> tuple[int, bool]:
    """The supplier's id, and whether its row was written."""
    return conn.execute(
        UPSERT_SUPPLIER, {"rut": quote.supplier_rut, "name": quote.supplier_name, "size": quote.supplier_size}
    ).fetchone()


def _product_id(conn: psycopg.Connection, name: str) -> int:
    return conn.execute(PRODUCT_ID, {"name": name}).fetchone()[0]


class _QuoteRows:
    """The rows of `quotes` and `quote_lines` one record stands for."""

    def __init__(self, record: TenderRecord, buyer_id: int, run_id: int) -> None:
        self.record, self.buyer_id, self.run_id = record, buyer_id, run_id
        self.quotes: list[dict] = []
        self.lines: list[dict] = []

    def add(self, quote: Quote, supplier_id: int, product_ids: list[int]) -> None:
        key = {
            "closing_date": self.record.closing_day,
            "tender_codigo": self.record.codigo,
            "supplier_id": supplier_id,
            "quote_number": quote.quote_number,
        }
        shared = {"buyer_id": self.buyer_id, "region": self.record.region, "import_run_id": self.run_id}
        self.quotes.append(
            key
            | shared
            | {
                "source_quote_id": quote.source_quote_id,
                "state": quote.state,
                "state_reason": quote.state_reason,
                "currency": quote.currency,
                "total": quote.total,
                "total_clp": quote.total_clp,
                "winner": quote.winner,
                "line_count": len(quote.lines),
            }
        )
        for line, product_id in zip(quote.lines, product_ids, strict=True):
            self.lines.append(
                key
                | shared
                | {
                    "line_number": line.line_number,
                    "published_date": self.record.published_day,
                    "product_id": product_id,
                    "product_code": line.product_code,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "amount": line.amount,
                    "currency": "CLP",
                    "winner": quote.winner,
                }
            )

    def listed(self, days: list[date]) -> dict:
        """Parameters of the deletes: what the record lists, and the days its old rows may be on."""
        return {
            "codigo": self.record.codigo,
            "days": days,
            "day": self.record.closing_day,
            "supplier_ids": [row["supplier_id"] for row in self.quotes],
            "quote_numbers": [row["quote_number"] for row in self.quotes],
        }

    def listed_lines(self, days: list[date]) -> dict:
        return self.listed(days) | {
            "supplier_ids": [row["supplier_id"] for row in self.lines],
            "quote_numbers": [row["quote_number"] for row in self.lines],
            "line_numbers": [row["line_number"] for row in self.lines],
        }


def _store_quotes(
    conn: psycopg.Connection, record: TenderRecord, buyer_id: int, run_id: int, closed_before: datetime | None
) -> bool:
    """Upsert every quote and line by natural key, delete those no longer listed; True if any changed."""
    if record.quotes is None:
        return False
    rows = _QuoteRows(record, buyer_id, run_id)
    suppliers_written = 0
    for quote in record.quotes:
        supplier_id, written = _supplier(conn, quote)
        suppliers_written += written
        rows.add(quote, supplier_id, [_product_id(conn, line.product_name) for line in quote.lines])
    changed = suppliers_written
    if rows.quotes:
        for table in ("quotes", "quote_lines"):
            conn.execute("SELECT ensure_month_partition(%s, %s)", (table, record.closing_day))
        with conn.cursor() as cursor:
            cursor.executemany(UPSERT_QUOTE, rows.quotes)
            changed += cursor.rowcount
            cursor.executemany(UPSERT_LINE, rows.lines)
            changed += cursor.rowcount
    days = _stored_days(record, closed_before)
    if days:
        changed += conn.execute(DELETE_QUOTES_NOT_LISTED, rows.listed(days)).rowcount
        changed += conn.execute(DELETE_LINES_NOT_LISTED, rows.listed_lines(days)).rowcount
    if changed and days:
        history.mark_months(conn, days)
    return changed > 0


def _stored_days(record: TenderRecord, closed_before: datetime | None) -> list[date]:
    """The closing days the record's stored quotes can be on: its new one and the one it had."""
    before = closed_before.astimezone(SANTIAGO).date() if closed_before else None
    return sorted({day for day in (before, record.closing_day) if day is not None})


def store_record(conn: psycopg.Connection, record: TenderRecord, *, run_id: int) -> Outcome:
    """Upsert one process with everything it carries (in the caller's transaction)."""
    buyer_id, buyer_written = _buyer(conn, record)
    tender_id, tender_written, created, closed_before = _tender(conn, record, buyer_id)
    items_changed = _store_items(conn, tender_id, record)
    quotes_changed = _store_quotes(conn, record, buyer_id, run_id, closed_before)
    if created:
        return "inserted"
    if not (tender_written or buyer_written or items_changed or quotes_changed):
        return "unchanged"
    if not tender_written:
        conn.execute(TOUCH_TENDER, (tender_id,))
    return "updated"


def import_detail(
    conn: psycopg.Connection, detail: dict, *, counts: ImportCounts, run_id: int, position: int
) -> None:
    """Map and store one API record, or keep it as a reject with its reason and its JSON: a record
    the mapping cannot read, or whose values the database refuses (e.g. an amount out of range),
    never stops the run."""
    try:
        record = map_record(detail)
        with conn.transaction():
            outcome = store_record(conn, record, run_id=run_id)
    except (BadValue, ValueError, TypeError) as error:
        _reject(conn, detail, run_id=run_id, position=position, reason=str(error))
    except psycopg.DataError as error:
        reason = f"la base de datos rechazó un valor: {str(error).strip().splitlines()[0]}"
        _reject(conn, detail, run_id=run_id, position=position, reason=reason)
    else:
        if outcome == "inserted":
            counts.inserted += 1
        elif outcome == "updated":
            counts.updated += 1
        return
    counts.rejected += 1


def _reject(conn: psycopg.Connection, detail: dict, *, run_id: int, position: int, reason: str) -> None:
    """Keep a record that could not be stored, with why and its JSON."""
    with conn.transaction():
        conn.execute(
            "INSERT INTO import_rejects (run_id, file_name, line_number, reason, raw_line)"
            " VALUES (%s, %s, %s, %s, %s)",
            (
                run_id,
                str(detail.get("codigo") or "api"),
                position,
                reason,
                json.dumps(detail, ensure_ascii=False, default=str),
            ),
        )
