"""`make run` twice on the same data: the second start keeps the data, and stopping leaves nothing."""

import psutil
import psycopg

from tests.e2e.conftest import RunningProduct, start_product


def _leftovers(product: RunningProduct) -> list[str]:
    alive = []
    for process in psutil.process_iter(["pid", "cmdline", "status"]):
        if process.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmdline = " ".join(process.info["cmdline"] or [])
        if process.info["pid"] in product.descendants or str(product.data_dir) in cmdline:
            alive.append(f"{process.info['pid']}: {cmdline[:120]}")
    return alive


def test_restart_keeps_data_and_stop_leaves_no_process(tmp_path):
    first = start_product(tmp_path / "var", tmp_path / "run.log")
    with psycopg.connect(first.database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO tenders (codigo, name, state, source) VALUES ('7-7-COT26', 'Resmas', 'cerrada', 'test')"
        )
    assert first.stop() == 0
    assert _leftovers(first) == []
    assert not (tmp_path / "var" / "postgres" / "postmaster.pid").exists()

    second = start_product(tmp_path / "var", tmp_path / "run.log")
    try:
        with psycopg.connect(second.database_url) as conn:
            kept = conn.execute("SELECT name FROM tenders WHERE codigo = '7-7-COT26'").fetchone()
        assert kept == ("Resmas",)
    finally:
        assert second.stop() == 0
    assert _leftovers(second) == []
