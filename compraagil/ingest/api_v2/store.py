"""Store API v2 records: the tender, its requested items (replaced), its buyer, and its quotes."""

import json

import psycopg

from compraagil.ingest.api_v2.mapping import TenderRecord, map_record
from compraagil.ingest.runs import ImportCounts
from compraagil.ingest.values import BadValue

UPSERT_BUYER = """
INSERT INTO buyers (unit_code, unit_name, organismo, rut, region)
VALUES (%(unit_code)s, %(unit_name)s, %(organismo)s, %(rut)s, %(region)s)
ON CONFLICT (unit_code) DO UPDATE SET
    unit_name = coalesce(nullif(excluded.unit_name, ''), buyers.unit_name),
    organismo = coalesce(nullif(excluded.organismo, ''), buyers.organismo),
    rut = coalesce(excluded.rut, buyers.rut), region = coalesce(excluded.region, buyers.region)
RETURNING id
"""

UPSERT_TENDER = """
INSERT INTO tenders (codigo, name, description, state, buyer_id, region, published_at, closes_at,
                     amount_available, currency, delivery_address, delivery_days, quotes_received,
                     items_text, source, source_changed_at, updated_at)
VALUES (%(codigo)s, %(name)s, %(description)s, %(state)s, %(buyer_id)s, %(region)s, %(published_at)s,
        %(closes_at)s, %(amount_available)s, %(currency)s, %(delivery_address)s, %(delivery_days)s,
        %(quotes_received)s, %(items_text)s, 'api', %(changed_at)s, now())
ON CONFLICT (codigo) DO UPDATE SET
    name = excluded.name, description = coalesce(excluded.description, tenders.description),
    state = excluded.state, buyer_id = excluded.buyer_id, region = excluded.region,
    published_at = excluded.published_at, closes_at = excluded.closes_at,
    amount_available = excluded.amount_available, currency = excluded.currency,
    delivery_address = coalesce(excluded.delivery_address, tenders.delivery_address),
    delivery_days = coalesce(excluded.delivery_days, tenders.delivery_days),
    quotes_received = excluded.quotes_received, source = 'api',
    items_text = coalesce(excluded.items_text, tenders.items_text),
    source_changed_at = excluded.source_changed_at, updated_at = now()
RETURNING id, old.id IS NULL
"""

INSERT_ITEM = """
INSERT INTO tender_items (tender_id, line_number, product_code, name, description, quantity, unit)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""

UPSERT_QUOTE = """
WITH supplier AS (
    INSERT INTO suppliers (rut, name, size) VALUES (%(rut)s, %(supplier_name)s, %(size)s)
    ON CONFLICT (rut) DO UPDATE SET name = excluded.name, size = coalesce(excluded.size, suppliers.size)
    RETURNING id
), product AS (
    INSERT INTO products (name) VALUES (%(product_name)s)
    ON CONFLICT (name) DO UPDATE SET name = excluded.name
    RETURNING id
)
INSERT INTO quotes (closing_date, published_date, tender_codigo, buyer_id, supplier_id, product_id,
                    product_code, quantity, amount, unit_price, currency, winner, region)
SELECT %(closing_date)s, %(published_date)s, %(codigo)s, %(buyer_id)s, supplier.id, product.id,
       %(product_code)s, %(quantity)s, %(amount)s, %(unit_price)s, 'CLP', %(winner)s, %(region)s
FROM supplier, product
ON CONFLICT (closing_date, tender_codigo, supplier_id, product_code, product_id) DO UPDATE SET
    quantity = excluded.quantity, amount = excluded.amount, unit_price = excluded.unit_price,
    winner = excluded.winner, buyer_id = excluded.buyer_id, region = excluded.region
"""


def store_record(conn: psycopg.Connection, record: TenderRecord) -> bool:
    """Upsert one process with everything it carries (in the caller's transaction); True if new."""
    buyer_id = conn.execute(
        UPSERT_BUYER,
        {
            "unit_code": record.unit_code,
            "unit_name": record.unit_name or record.organismo or record.unit_code,
            "organismo": record.organismo or record.unit_name or record.unit_code,
            "rut": record.buyer_rut,
            "region": record.region,
        },
    ).fetchone()[0]
    tender_id, created = conn.execute(
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
            "changed_at": record.changed_at,
            "items_text": " · ".join(
                " ".join(filter(None, (item.name, item.description))) for item in record.items
            )
            or None,
        },
    ).fetchone()
    if record.items:
        conn.execute("DELETE FROM tender_items WHERE tender_id = %s", (tender_id,))
        with conn.cursor() as cursor:
            cursor.executemany(
                INSERT_ITEM,
                [
                    (tender_id, i.line_number, i.product_code, i.name, i.description, i.quantity, i.unit)
                    for i in record.items
                ],
            )
    if record.quotes and record.closing_day:
        conn.execute("SELECT ensure_quotes_partition(%s)", (record.closing_day,))
        published = record.published_at.date() if record.published_at else None
        with conn.cursor() as cursor:
            cursor.executemany(
                UPSERT_QUOTE,
                [
                    {
                        "rut": q.supplier_rut,
                        "supplier_name": q.supplier_name,
                        "size": q.supplier_size,
                        "product_name": q.product_name,
                        "closing_date": record.closing_day,
                        "published_date": published,
                        "codigo": record.codigo,
                        "buyer_id": buyer_id,
                        "product_code": q.product_code,
                        "quantity": q.quantity,
                        "amount": q.amount,
                        "unit_price": q.unit_price,
                        "winner": q.winner,
                        "region": record.region,
                    }
                    for q in record.quotes
                ],
            )
    return created


def import_detail(
    conn: psycopg.Connection, detail: dict, *, counts: ImportCounts, run_id: int, position: int
) -> None:
    """Map and store one API record, or keep it as a reject with its reason and its JSON."""
    try:
        record = map_record(detail)
    except BadValue as error:
        counts.rejected += 1
        with conn.transaction():
            conn.execute(
                "INSERT INTO import_rejects (run_id, file_name, line_number, reason, raw_line)"
                " VALUES (%s, %s, %s, %s, %s)",
                (
                    run_id,
                    str(detail.get("codigo") or "api"),
                    position,
                    str(error),
                    json.dumps(detail, ensure_ascii=False),
                ),
            )
        return
    with conn.transaction():
        created = store_record(conn, record)
    if created:
        counts.inserted += 1
    else:
        counts.updated += 1
