"""Fixtures shared by the cache tests: what a command built and read, counted."""

from __future__ import annotations

import pytest

from papernotes.storage.caches import note_cache as note_cache_module
from papernotes.storage.caches import note_cache_load as note_cache_load_module
from papernotes.storage.caches.list_rows_cache import ListRowsCache
from papernotes.storage.store import NoteStore


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The notes built as ``Note`` objects from the note cache, one entry per note."""
    seen: list[str] = []
    real = note_cache_module.note_of

    def counting(paper, path, digest):
        seen.append(path)
        return real(paper, path, digest)

    monkeypatch.setattr(note_cache_module, "note_of", counting)  # the notes of entries
    monkeypatch.setattr(note_cache_load_module, "note_of", counting)  # asked for, those of a load
    return seen


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The note files read and parsed, one entry per read."""
    seen: list[str] = []
    real = NoteStore.read

    def counting(self, rel):
        seen.append(rel)
        return real(self, rel)

    monkeypatch.setattr(NoteStore, "read", counting)
    return seen


@pytest.fixture
def rows_read(monkeypatch) -> list[str]:
    """The year folders whose kept rows were read, one entry per read."""
    seen: list[str] = []
    real = ListRowsCache.read

    def counting(self, year):
        seen.append(year)
        return real(self, year)

    monkeypatch.setattr(ListRowsCache, "read", counting)
    return seen
