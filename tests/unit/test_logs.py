"""Readable log lines for a person at `make run`: the message, then the record's own fields."""

import logging

from compraagil.logs import PlainFormatter


def test_plain_lines_carry_the_records_fields_as_key_value():
    record = logging.LogRecord(
        "compraagil.ingest", logging.INFO, __file__, 1, "import phase done", None, None
    )
    record.phase, record.seconds = "quotes", 1.25
    line = PlainFormatter("%(levelname)s %(message)s").format(record)
    assert line == "INFO import phase done  phase=quotes seconds=1.25"
    bare = logging.LogRecord("x", logging.WARNING, __file__, 1, "sin campos", None, None)
    assert PlainFormatter("%(message)s").format(bare) == "sin campos"
