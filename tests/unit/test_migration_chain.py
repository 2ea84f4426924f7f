"""The migrations form one line: a revision id is used once and there is one head. Two
branches that each add the "next" migration (by number) merge without a text conflict and
then fail every storage test with Alembic's "Multiple head revisions"; this says which
files collide and what to renumber."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from alembic.script import ScriptDirectory

from adapters.sql.migrate import MIGRATIONS, alembic_config


def test_each_revision_id_once_and_one_head() -> None:
    files = sorted(Path(MIGRATIONS, "versions").glob("[0-9]*.py"))
    ids = Counter(path.name.split("_", 1)[0] for path in files)
    repeated = {
        rev: [p.name for p in files if p.name.startswith(rev)] for rev, n in ids.items() if n > 1
    }
    assert not repeated, f"revision ids used twice: {repeated}; renumber the newer file"
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"heads {sorted(heads)}: make the newer one revise the other"
