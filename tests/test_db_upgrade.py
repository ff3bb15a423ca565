"""Schema upgrades from processes that start together (the gateway and the action
server): one at a time, so neither meets the other's lock nor half-made tables."""

import os
import subprocess
import sys

from sqlalchemy import create_engine, inspect

from assistant.db import upgrade
from assistant.settings import PROJECT_ROOT

UPGRADE = "import sys; from assistant.db import upgrade; upgrade(sys.argv[1])"


def test_four_processes_upgrading_one_sqlite_file_at_once_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'butler.db'}"
    runs = [subprocess.Popen([sys.executable, "-c", UPGRADE, url], cwd=PROJECT_ROOT, stderr=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}) for _ in range(4)]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], errors
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {"tickets", "bookings", "conversation_memory", "chat_idempotency_keys"} <= tables


def test_postgres_upgrades_from_processes_that_start_together_all_succeed(pg_db):
    """The production profile: the advisory lock serialises them; the schema exists once."""
    url = pg_db.engine.url.render_as_string(hide_password=False)
    runs = [subprocess.Popen([sys.executable, "-c", UPGRADE, url], cwd=PROJECT_ROOT, stderr=subprocess.PIPE,
                             text=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}) for _ in range(3)]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], errors
    upgrade(url)  # and once more in this process: nothing left to do
