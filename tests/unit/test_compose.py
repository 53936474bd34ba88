"""docker-compose.yml cannot run here (no Docker engine), so check what can be checked by reading it."""

import importlib.util
import sys
from pathlib import Path

import yaml

from compraagil.backups.pitr import archiving_settings
from compraagil.config import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "scheduler", "bot")


def test_every_service_is_there():
    assert set(SERVICES) == {"postgres", "redis", "prometheus", "alertmanager", "grafana", *APP_SERVICES}
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
    for name in APP_SERVICES:
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
