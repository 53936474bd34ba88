"""docker-compose.yml cannot run here (no Docker engine), so check what can be checked by reading it."""

import importlib.util
import re
import sys
from pathlib import Path

import yaml

from compraagil.backups.pitr import archiving_settings
from compraagil.config import PROJECT_ROOT
from compraagil.scaled import pgbouncer

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "scheduler", "bot")


def test_every_service_is_there():
    assert set(SERVICES) == {
        "postgres", "postgres-replica", "pgbouncer", "redis", "frontend", "nginx", "prometheus", "alertmanager",
        "grafana", "node-exporter", *APP_SERVICES,
    }  # fmt: skip
    assert SERVICES["postgres"]["image"].startswith("pgvector/pgvector:")
    assert "--appendonly" in SERVICES["redis"]["command"]


def test_stateful_services_keep_data_on_named_volumes_and_have_healthchecks():
    for name in ("postgres", "redis"):
        volume = SERVICES[name]["volumes"][0].split(":")[0]
        assert volume in COMPOSE["volumes"]
        assert SERVICES[name]["healthcheck"]["test"]


def test_app_services_wait_for_healthy_dependencies():
    for name in APP_SERVICES:
        depends = SERVICES[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    for name in ("web", "worker", "scheduler", "bot"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def _names_something_that_exists(command: list[str]) -> bool:
    if command[:2] == ["python", "-m"]:
        return importlib.util.find_spec(command[2]) is not None
    if command[0] == "reflex":
        return (PROJECT_ROOT / "rxconfig.py").exists() and Path(sys.executable).with_name("reflex").exists()
    return (PROJECT_ROOT / command[0]).exists()


def test_every_app_command_names_a_module_or_script_that_exists():
    for name in (*APP_SERVICES, "pgbouncer", "nginx"):
        command = SERVICES[name]["command"]
        assert _names_something_that_exists(command), f"{name}: {command}"


def test_the_nightly_backups_land_on_a_named_volume_the_image_prepares():
    mounts = dict(volume.split(":")[:2] for volume in SERVICES["worker"]["volumes"])
    assert mounts == {"backups": "/app/var/backups"} and "backups" in COMPOSE["volumes"]
    assert "mkdir -p /app/var/backups" in (PROJECT_ROOT / "Dockerfile").read_text()


def test_a_deploy_backs_up_before_it_migrates():
    assert SERVICES["migrate"]["command"][-2:] == ["migrate", "--deploy"]
    assert "backups:/app/var/backups" in SERVICES["migrate"]["volumes"]


def test_the_database_archives_its_wal_as_pitr_py_says_onto_volumes_made_its_own():
    postgres = SERVICES["postgres"]
    mounts = dict(volume.split(":")[:2] for volume in postgres["volumes"])
    assert {"wal_archive", "base_backups"} <= set(mounts) & set(COMPOSE["volumes"])
    command = postgres["command"]
    options = dict(command[at + 1].split("=", 1) for at, word in enumerate(command) if word == "-c")
    assert archiving_settings(Path(mounts["wal_archive"])).items() <= options.items()
    shell, option, script, name = postgres["entrypoint"]
    assert (shell, option, name) == ("sh", "-c", "docker-entrypoint.sh")
    assert script.startswith(f"chown postgres:postgres {mounts['wal_archive']} {mounts['base_backups']} &&")
    assert script.endswith('&& exec docker-entrypoint.sh "$$@"')  # compose reads $$ as one $


def _database(service: str, variable: str = "DATABASE_URL") -> tuple[str, str]:
    """The host:port and database a service's URL names (its password is compose's ${…})."""
    return re.fullmatch(
        r"postgresql://.+@([\w.-]+:\d+)/(\w+)", SERVICES[service]["environment"][variable]
    ).groups()


def test_the_scaled_topology_connects_each_part_to_the_right_pool():
    assert _database("web") == ("pgbouncer:6432", pgbouncer.WEB)
    assert _database("web", "READ_DATABASE_URL") == ("pgbouncer:6432", pgbouncer.READS)
    assert SERVICES["web"]["environment"]["DATABASE_POOLED"] == "true"
    assert SERVICES["web"]["environment"]["REFLEX_STATE_MANAGER_MODE"] == "redis"
    for name in ("worker", "scheduler", "bot"):
        assert _database(name) == ("pgbouncer:6432", pgbouncer.JOBS)
    assert _database("migrate") == ("postgres:5432", "compraagil")
    assert _database("pgbouncer") == ("postgres:5432", "compraagil")
    assert _database("pgbouncer", "READ_DATABASE_URL") == ("postgres-replica:5432", "compraagil")
    assert SERVICES["pgbouncer"]["command"][-2:] == ["--port", "6432"]


def test_nginx_passes_to_the_port_the_web_processes_listen_on_and_serves_the_built_frontend():
    web, nginx = SERVICES["web"]["command"], SERVICES["nginx"]["command"]
    port = web[web.index("--backend-port") + 1]
    assert nginx[nginx.index("--backend") + 1] == f"web:{port}"
    static = nginx[nginx.index("--static") + 1]
    assert f"frontend:{static}:ro" in SERVICES["nginx"]["volumes"]
    assert any(volume.startswith(f"frontend:{static}") for volume in SERVICES["frontend"]["volumes"])
    assert "web:8000" not in str(SERVICES["web"].get("ports", [])), "only nginx is published"
