"""Where export files live (`<data_dir>/exports/<company id>/<export id>.xlsx`) and how they are
written: to a temporary name in the same folder, then renamed, so a reader never sees half a file
and a failure leaves none."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from compraagil.config import get_settings

TEMP_SUFFIX = ".tmp"


def exports_root() -> Path:
    """The folder holding every company's exports."""
    return get_settings().data_dir / "exports"


def export_path(company_id: int, export_id: str) -> Path:
    """The file of one export."""
    return exports_root() / str(company_id) / f"{export_id}.xlsx"


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write` with a temporary path beside `path`, then rename it to `path`; on any failure the
    temporary file is removed and `path` is left as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=TEMP_SUFFIX)
    os.close(handle)
    try:
        write(Path(temporary))
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
