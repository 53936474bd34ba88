"""A copy of every backup off the machine, in an S3-compatible bucket (boto3): the dump and its
manifest, the dump's size checked after the upload, and the same rotation as on disk (a backup the
rotation deleted here is deleted there). Optional: nothing happens without BACKUP_S3_BUCKET."""

import logging
from pathlib import Path

import boto3
from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from compraagil.config import get_settings
from compraagil.errors import Unavailable

log = logging.getLogger(__name__)


def configured() -> bool:
    return bool(get_settings().backup_s3_bucket)


def _client():
    settings = get_settings()
    return boto3.client(
        "s3",
        endpoint_url=settings.backup_s3_endpoint_url,
        region_name=settings.backup_s3_region,
        aws_access_key_id=settings.backup_s3_access_key,
        aws_secret_access_key=settings.backup_s3_secret_key,
        config=Config(retries={"max_attempts": 5, "mode": "standard"}),
    )


def copy(dump: Path, kept: list[Path]) -> str:
    """Upload the dump and its manifest, then delete from the bucket the backups not in `kept`;
    where they are. Unavailable when the bucket cannot be written (the local backup stands)."""
    settings = get_settings()
    bucket, prefix = settings.backup_s3_bucket, settings.backup_s3_prefix
    client = _client()
    try:
        for path in (dump, dump.with_suffix(".json")):
            client.upload_file(str(path), bucket, prefix + path.name)
        stored = client.head_object(Bucket=bucket, Key=prefix + dump.name)["ContentLength"]
        if stored != dump.stat().st_size:
            raise Unavailable(f"La copia en s3://{bucket}/{prefix}{dump.name} quedó incompleta.")
        names = {path.name for path in kept} | {path.with_suffix(".json").name for path in kept}
        listed = client.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        stale = [item["Key"] for item in listed if item["Key"].removeprefix(prefix) not in names]
        if stale:
            client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in stale]})
    except (Boto3Error, BotoCoreError, ClientError) as error:
        raise Unavailable(
            f"El respaldo local está en {dump}, pero no pudimos copiarlo a s3://{bucket}/{prefix}: {error}"
        ) from error
    return f"s3://{bucket}/{prefix}{dump.name}"
