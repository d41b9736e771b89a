"""Carrying a federation between databases: what the server adds after an import, and
what an export that fails half-way leaves behind."""

from __future__ import annotations

import gc
import io
import warnings
from pathlib import Path

import pytest

from sovet import actions
from sovet.constitution import DEFAULT_CONSTITUTION
from sovet.storage import accounts as store_accounts
from sovet.storage import open_database
from sovet.storage.transfer import export_federation, import_federation

from ..conftest import BACKENDS, fresh_database_url


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_added_after_an_import_get_new_ids(backend: str, tmp_path: Path) -> None:
    with open_database(f"sqlite:///{tmp_path / 'source.db'}") as source:
        actions.found_federation(source, name="Union", constitution=DEFAULT_CONSTITUTION)
        for login in ("a", "b", "c"):
            store_accounts.add_login_attempt(source, login=login, client="x", at="t", ok=False)
        dump = tmp_path / "union.jsonl"
        with dump.open("w", encoding="utf-8") as out:
            export_federation(source, out)
    with import_federation(dump, fresh_database_url(backend, tmp_path)) as copy:
        # the copy's server records the next attempt (not a clash with id 1 copied in)
        store_accounts.add_login_attempt(copy, login="a", client="x", at="t", ok=False)
        assert store_accounts.failed_logins_since(copy, since="t", login="a", client="x") == (
            2,
            4,
        )


class _FullDisk(io.StringIO):
    """A file that takes the header and one row, then fails as a full disk does."""

    def write(self, text: str) -> int:
        if self.tell() and text.count("\n") and "table" in self.getvalue():
            raise OSError(28, "No space left on device")
        return super().write(text)


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_export_that_fails_half_way_leaves_nothing_open(backend: str, tmp_path: Path) -> None:
    with open_database(fresh_database_url(backend, tmp_path)) as db:
        actions.found_federation(db, name="Union", constitution=DEFAULT_CONSTITUTION)
        actions.register_member(db, actor="operator", name="F", member_id="f")
        actions.found_unit(db, actor="f", unit_id="u", name="U", kind="workplace")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(OSError, match="No space left"):
                export_federation(db, _FullDisk())
            gc.collect()  # an unclosed cursor or connection warns when it is collected
        assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
        assert db.size() == 3  # and the database goes on answering
