"""The restore drill: data in every area (history, accounts, alerts, pipeline) → backup → restore
into an empty database → every table's rows and their checksum equal; a damaged file, a manifest
that lies and a target that is not empty are refused with the reason; the CLI and the nightly job."""

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import boto3
import psycopg
import pytest
from moto.server import ThreadedMotoServer

from compraagil.backups.service import backup, restore, table_counts
from compraagil.config import PROJECT_ROOT, child_environment, get_settings
from compraagil.db import libpq_url
from compraagil.devservices import free_port
from compraagil.errors import InvalidInput, Unavailable
from compraagil.models import User
from compraagil.pipeline.service import save_tender
from jobs.tasks.backups import nightly_backup
from tests.factories import GLOVES_RECORD, call, new_alert, sync, user_account

ROWS_DIGEST = """SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "{name}" t"""


def checksums(database: str) -> dict[str, str]:
    """Each table's rows, ordered, hashed."""
    with psycopg.connect(database) as conn:
        return {
            name: conn.execute(ROWS_DIGEST.format(name=name)).fetchone()[0] for name in table_counts(database)
        }


@pytest.fixture
def loaded(services):
    user = user_account("ana@ferreteria.cl")
    new_alert(user, name="Guantes", text="guantes", channels=["inbox"])
    sync(GLOVES_RECORD)
    company = call(lambda session: session.get_one(User, user).company_id)
    call(save_tender, user_id=user, company_id=company, codigo=GLOVES_RECORD["codigo"])
    return libpq_url(services.database_url)


def test_backup_then_restore_brings_back_every_row(loaded, scratch_database, tmp_path):
    made = backup(database=loaded, directory=tmp_path)
    manifest = json.loads(made.path.with_suffix(".json").read_text())
    assert manifest == made.manifest and manifest["schema_version"]
    assert manifest["tables"]["tenders"] == 1 and manifest["tables"]["alert_notices"] == 1
    assert manifest["tables"]["pipeline_items"] == 1
    target = libpq_url(scratch_database)
    counts = restore(path=made.path, database=target)
    assert counts == manifest["tables"] == table_counts(loaded)
    assert checksums(target) == checksums(loaded)
    with pytest.raises(InvalidInput, match="no está vacía"):
        restore(path=made.path, database=target)


def test_a_damaged_file_or_a_lying_manifest_is_refused(loaded, scratch_database, tmp_path):
    made = backup(database=loaded, directory=tmp_path)
    target = libpq_url(scratch_database)
    manifest_path = made.path.with_suffix(".json")
    lying = {**made.manifest, "tables": {**made.manifest["tables"], "tenders": 2}}
    manifest_path.write_text(json.dumps(lying))
    with pytest.raises(InvalidInput, match="tenders"):
        restore(path=made.path, database=target)
    with made.path.open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\x00\x01\x02")
    with pytest.raises(InvalidInput, match="SHA-256"):
        restore(path=made.path, database=libpq_url(scratch_database))


def test_the_cli_backs_up_into_the_data_folder_and_restores(loaded, scratch_database, tmp_path, services):
    env = child_environment(DATABASE_URL=services.database_url, DATA_DIR=str(tmp_path))

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "compraagil", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert cli("backup").startswith(f"respaldo {tmp_path / 'backups'}")
    [dump] = (tmp_path / "backups").glob("compraagil-*.dump")
    assert "iguales al manifiesto" in cli("restore", str(dump), "--database-url", scratch_database)


def test_the_nightly_job_backs_up_into_the_data_folder(loaded, tmp_path, monkeypatch):
    monkeypatch.setattr(get_settings(), "data_dir", tmp_path)
    assert nightly_backup().startswith("compraagil-")
    [manifest] = (tmp_path / "backups").glob("compraagil-*.json")
    assert json.loads(manifest.read_text())["tables"]["tenders"] == 1


@pytest.fixture
def bucket(monkeypatch):
    """A local server speaking S3's protocol (moto), with an empty bucket, and the settings for it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    settings = get_settings()
    for name, value in {
        "backup_s3_bucket": "respaldos", "backup_s3_prefix": "compraagil/", "backup_s3_endpoint_url": f"http://{host}:{port}",
        "backup_s3_access_key": "prueba", "backup_s3_secret_key": "prueba-secreta",
    }.items():  # fmt: skip
        monkeypatch.setattr(settings, name, value)
    client = boto3.client(
        "s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
        aws_access_key_id="prueba", aws_secret_access_key="prueba-secreta",
    )  # fmt: skip
    client.create_bucket(Bucket="respaldos")
    yield client
    server.stop()


def test_each_backup_is_copied_off_the_machine_and_rotated_there_too(loaded, bucket, tmp_path):
    first_day = datetime(2026, 1, 5, 6, tzinfo=UTC)
    made = backup(database=loaded, directory=tmp_path, now=first_day)
    assert made.offsite == f"s3://respaldos/compraagil/{made.path.name}"
    copied = bucket.get_object(Bucket="respaldos", Key=f"compraagil/{made.path.name}")["Body"].read()
    assert hashlib.sha256(copied).hexdigest() == made.manifest["sha256"]
    manifest = json.loads(
        bucket.get_object(Bucket="respaldos", Key=f"compraagil/{made.path.with_suffix('.json').name}")[
            "Body"
        ].read()
    )
    assert manifest["tables"] == made.manifest["tables"]
    for day in range(1, 10):  # nine more nightly backups: the rotation keeps 7 daily, 4 weekly, 12 monthly
        backup(database=loaded, directory=tmp_path, now=first_day + timedelta(days=day))
    local = sorted(path.name for path in tmp_path.glob("compraagil-*"))
    remote = sorted(
        item["Key"].removeprefix("compraagil/")
        for item in bucket.list_objects_v2(Bucket="respaldos")["Contents"]
    )
    assert remote == local and len(local) < 2 * 10  # the rotation deleted some, here and there alike


def test_a_bucket_that_cannot_be_written_fails_loudly_and_keeps_the_local_backup(
    loaded, bucket, tmp_path, monkeypatch
):
    monkeypatch.setattr(get_settings(), "backup_s3_bucket", "no-existe")
    with pytest.raises(Unavailable, match="El respaldo local está en"):
        backup(database=loaded, directory=tmp_path)
    assert len(list(tmp_path.glob("compraagil-*.dump"))) == 1
