"""Every command works on a fresh data folder: the first one to need the database migrates it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from compraagil import cli
from compraagil.config import PROJECT_ROOT, child_environment
from compraagil.devservices import free_port, start_redis
from tests.cot_files import header, row, write_csv

RECORD = {
    "codigo": "5555-1-COT26",
    "nombre": "Compra de resmas de papel",
    "estado": {"id_estado": 2, "codigo": "publicada", "glosa": "Publicada"},
    "fechas": {"fecha_publicacion": "2026-09-21 09:49", "fecha_cierre": "2026-09-30 15:00"},
    "presupuesto": {"moneda": "CLP", "monto_disponible": 90000, "monto_disponible_clp": 90000},
    "institucion": {"organismo_comprador": "MUNICIPALIDAD DE TALCA", "rut": "61.607.300-1",
                    "unidad_compra": "Adquisiciones", "region": 7},
    "productos_solicitados": [{"codigo_producto": 14111507, "nombre": "Papel carta", "cantidad": 10}],
    "proveedores_cotizando": [],
}  # fmt: skip


@pytest.fixture
def run(tmp_path):
    """Run `python -m compraagil` with a fresh data folder and no server URLs; stop its servers after."""
    environment = child_environment(
        DATA_DIR=str(tmp_path / "var"), EMBEDDED_REDIS_PORT=str(free_port()), LOG_LEVEL="WARNING"
    )
    for name in ("DATABASE_URL", "REDIS_URL"):
        environment.pop(name, None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "compraagil", *args],
            cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=300,
        )  # fmt: skip

    yield run
    assert run("stop-services").returncode == 0
    assert not (tmp_path / "var" / "postgres" / "postmaster.pid").exists()


def errors(result: subprocess.CompletedProcess) -> list[str]:
    """The lines of stderr meant for people (logs are JSON objects)."""
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_each_command_works_the_first_time(run, tmp_path):
    records = tmp_path / "records.json"
    records.write_text(json.dumps([RECORD]), encoding="utf-8")
    cot = write_csv(tmp_path / "COT1_2026-03.csv", [header(34), row(34)])
    wrong = write_csv(tmp_path / "licitaciones.csv", ["Codigo;Nombre;CodigoEstado", "1234-5-LE26;Sillas;5"])

    loaded = run("load-api-json", str(records))
    imported = run("import", str(cot))
    refused = run("import", str(wrong))
    stats = run("stats", "--json")

    for result in (loaded, imported, stats):
        assert (result.returncode, errors(result)) == (0, []), result.stderr
        assert "Traceback" not in result.stderr
    assert loaded.stdout.startswith("importación 1 records.json: leídas 1 · nuevas 1")
    assert imported.stdout.startswith("importación 2 COT1_2026-03.csv: leídas 1 · nuevas 1")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    [refusal] = errors(refused)
    assert refusal.startswith("error: licitaciones.csv: faltan columnas obligatorias: CodigoCotizacion")
    assert refused.stderr.count("licitaciones.csv") == 1
    figures = json.loads(stats.stdout)
    assert (figures["tenders"], figures["tenders_by_source"]) == (2, {"cot": 1, "api": 1})


def test_an_unexpected_error_is_one_spanish_line(monkeypatch, capsys):
    def broken(args):
        raise KeyError("totales")

    monkeypatch.setattr(cli, "configure_logging", lambda service: None)
    monkeypatch.setattr(cli, "_stats", broken)

    assert cli.main(["stats"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: falló inesperadamente (KeyError): 'totales' (LOG_LEVEL=DEBUG muestra el detalle)"
    ]


def test_stop_services_leaves_a_redis_of_another_folder_running(tmp_path):
    port = free_port()
    theirs = start_redis(tmp_path / "theirs" / "redis", port)
    try:

        def stop(data_dir: Path) -> None:
            environment = child_environment(DATA_DIR=str(data_dir), EMBEDDED_REDIS_PORT=str(port))
            subprocess.run(
                [sys.executable, "-m", "compraagil", "stop-services"],
                cwd=PROJECT_ROOT,
                env=environment,
                check=True,
            )

        stop(tmp_path / "mine")
        assert theirs.process.poll() is None, "another folder's Redis is left alone"
        stop(tmp_path / "theirs")
        assert theirs.process.wait(10) == 0
    finally:
        theirs.stop()
