import multiprocessing
import subprocess
import sys
from datetime import date

import pytest

from compraagil.ingest.cot.staged_rows import StagedBatch
from compraagil.ingest.cot.staging_process import Finished, StagingCrashed, staged
from compraagil.ingest.synthetic import make_factory
from compraagil.ingest.synthetic.cot_writer import write_csv, write_month_zip

ROWS = 20_000


def generated(path, rows=ROWS):
    processes = make_factory(5, rows, date(2025, 1, 1)).history(rows, 6)
    if path.suffix == ".zip":
        write_month_zip(processes, path, rows=rows)
    else:
        with path.open("wb") as out:
            write_csv(processes, out, rows=rows)
    return path


def test_a_months_two_csvs_are_read_in_a_process_of_their_own_and_every_row_arrives(tmp_path):
    path = generated(tmp_path / "COT_2025-06.zip")
    staged_rows, rejected, readers = 0, 0, set()
    with staged(path, batch_rows=1000, report_progress=False) as messages:
        for message in messages:
            readers |= {child.name for child in multiprocessing.active_children()}
            if isinstance(message, StagedBatch):
                staged_rows += message.rows
                rejected += len(message.rejects)
            else:
                finished = message
    assert isinstance(finished, Finished)
    assert finished.file_names == ["COT1_2025-06.csv", "COT2_2025-06.csv"]
    assert finished.read == ROWS == staged_rows + finished.duplicates + rejected
    assert readers == {"cot-reader"}


def test_a_reader_that_dies_is_reported_not_waited_for(tmp_path):
    path = generated(tmp_path / "COT.csv")
    with staged(path, batch_rows=100, report_progress=False) as messages:
        assert isinstance(next(messages), StagedBatch)
        for child in multiprocessing.active_children():
            child.kill()
        with pytest.raises(StagingCrashed, match="COT.csv"):
            for _ in messages:
                pass


def test_the_loading_process_does_not_load_the_readers_libraries():
    """pyarrow and numpy stay in the reading process: the loader's memory is the import's other half."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, compraagil.cli, compraagil.ingest.cot.importer, jobs.tasks.imports; print(sorted({'pyarrow', 'numpy'} & sys.modules.keys()))"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert loaded.strip() == "[]"
