"""``papernotes sync``: commit hand edits, fetch, merge the remote's changes (papernotes'
merge drivers take notes and ``document.yaml`` field by field), push. A real conflict stops
the sync, uncommitted and unpushed, until ``sync --continue`` or ``sync --abort``."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from papernotes.errors import ConflictError, InvalidInputError
from papernotes.history.git import binary_to_git, merge_text
from papernotes.history.remote import Remote
from papernotes.library.three_way import conflict_lines, merge_document, merge_note
from papernotes.storage.note_format import NoteFormatError, parse_note

if TYPE_CHECKING:
    from papernotes.library.api import Library


@dataclass
class SyncReport:
    committed: list[str] = field(default_factory=list)  # hand edits committed first
    remote: str = ""
    received: bool = False  # the remote had changes, now merged
    pushed: bool = False
    aborted: bool = False


class SyncConflictError(ConflictError):
    """A sync stopped on conflicts; the message lists each file and field."""


def sync(library: Library, resume: bool = False, abort: bool = False) -> SyncReport:
    history = library.history
    history.require()
    remote = Remote(history.repo)
    report = SyncReport()
    history.paused = True
    try:
        with library.writing():
            history.register_drivers()
            if remote.merging():
                if abort:
                    remote.abort_merge()
                    report.aborted = True
                    return report
                if not resume:
                    raise SyncConflictError(stopped(library, remote))
                finish(library, remote)
                report.received = True
            elif resume or abort:
                raise InvalidInputError("No sync is stopped on conflicts; nothing was changed.")
            else:
                report.committed = history.commit_pending()
            upstream = remote.upstream()
            report.remote = str(upstream)
            known = remote.fetch(upstream)
            if known and history.repo.head() is not None:
                before = history.repo.head()
                if not remote.merge(upstream):
                    raise SyncConflictError(stopped(library, remote))
                report.received = report.received or history.repo.head() != before
            if remote.ahead(upstream, known):
                remote.push(upstream)
                report.pushed = True
    finally:
        history.paused = False
        library.reload()
    return report


@dataclass(frozen=True)
class Conflict:
    """A file git could not merge: ``path: what`` (the fields, or which side removed it)."""

    rel: str
    what: str
    removed: bool  # removed on one side and changed on the other: no markers in the file
    kept_as_is: bool = False  # git could not merge it (a NUL byte): this machine's version

    def __str__(self) -> str:
        return f"{self.rel}: {self.what}"


def conflicts(library: Library, remote: Remote) -> list[Conflict]:
    """Each file git could not merge, with the fields in conflict or the side that removed it."""
    found = []
    for rel in remote.unmerged():
        base, ours, theirs = (remote.stage_blob(stage, rel) for stage in (1, 2, 3))
        if not remote.in_stage(2, rel) or not remote.in_stage(3, rel):
            here = "removed here" if not remote.in_stage(2, rel) else "changed here"
            there = "removed" if not remote.in_stage(3, rel) else "changed"
            found.append(Conflict(rel, f"{here}, {there} on the remote", removed=True))
            continue
        ours_data = remote.stage_bytes(2, rel) or b""
        sides = (remote.stage_bytes(1, rel) or b"", ours_data, remote.stage_bytes(3, rel) or b"")
        if any(map(binary_to_git, sides)) and library.store.file_bytes(rel) == ours_data:
            shown = shlex.join(
                ["git", "-C", os.path.abspath(library.root), "show", f"MERGE_HEAD:./{rel}"]
            )
            what = (
                "it holds a NUL byte, which git cannot merge line by line, so the file is this "
                f"machine's version, unchanged, without the remote's changes ({shown} shows "
                "the remote's version)"
            )
            found.append(Conflict(rel, what, removed=False, kept_as_is=True))
            continue
        merged = None
        if rel == "document.yaml":
            merged = merge_document(base, ours, theirs)
        elif rel.endswith(".md"):
            merged = merge_note(base, ours, theirs, lambda a, b, c: _clean(merge_text(a, b, c)))
        what = (
            ", ".join(merged.conflicts) if merged and merged.conflicts else "changed on both sides"
        )
        found.append(Conflict(rel, what, removed=False))
    return found


def _clean(result: tuple[str, bool]) -> str | None:
    return result[0] if result[1] else None


def stopped(library: Library, remote: Remote) -> str:
    """One sentence: which files conflict and how, what to do about each kind, how to go on."""
    found = conflicts(library, remote)
    listed = "; ".join(str(c) for c in found) or "(no file left unmerged)"
    todo = []
    if any(c.kept_as_is for c in found):
        todo.append(
            "copy the remote's changes you want into each file holding a NUL byte (and "
            "remove the byte)"
        )
    if any(not (c.removed or c.kept_as_is) for c in found) or not found:
        todo.append(
            "keep the right version between the '<<<<<<<' and '>>>>>>>' lines of each "
            "conflicted file"
        )
    if any(c.removed for c in found):
        todo.append(
            "the changed version of a note removed on the other side is in its file: leave it "
            "to keep the note, or delete the file to remove it"
        )
    return (
        f"The sync stopped on conflicts, nothing was committed or pushed: {listed}; "
        f"{', and '.join(todo)}; then run 'papernotes sync --continue' (or 'papernotes sync "
        "--abort' to put everything back as it was before the sync)."
    )


def finish(library: Library, remote: Remote) -> None:
    """Commit the merge once no conflicted file holds conflict markers any more."""
    unmerged = remote.unmerged()
    left = []
    for rel in unmerged:
        data = library.store.file_bytes(rel)
        if data is None:
            continue
        lines = conflict_lines(data.decode("utf-8", "replace"))
        if lines:
            left.append(f"{rel}:{lines[0]}")
    if left:
        raise SyncConflictError(
            f"Conflict markers are still in {', '.join(left)}; keep the right version there, "
            "then run 'papernotes sync --continue' again (nothing was committed)."
        )
    for rel in unmerged:
        problem = _lost_note(library, remote, rel)
        if problem:
            raise SyncConflictError(
                f"{rel} {problem}: put the note's text back (or delete the file to remove the "
                "note), then run 'papernotes sync --continue' again (nothing was committed)."
            )
    remote.finish_merge(unmerged)


_NOTE_PATH = re.compile(r"[0-9][^/]*/[^/]+\.md")


def _lost_note(library: Library, remote: Remote, rel: str) -> str | None:
    """Why the merged note ``rel`` must not be committed: it is empty where both sides had
    text, or it no longer reads as a note where a side did; None when it may be."""
    data = library.store.file_bytes(rel)
    if data is None or not _NOTE_PATH.fullmatch(rel):
        return None  # deleted on purpose, or not a note
    sides = [remote.stage_bytes(stage, rel) for stage in (2, 3)]
    if not data.strip():
        if all(side and side.strip() for side in sides):
            return "is empty, but this machine's and the remote's versions both have text"
        return None
    reason = _unreadable(data)
    if reason and any(side and not _unreadable(side) for side in sides):
        return f"no longer reads as a note ({reason}), but a side's version did"
    return None


def _unreadable(data: bytes) -> str | None:
    """Why ``data`` does not read as a note; None when it does."""
    try:
        parse_note(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "it is not valid UTF-8"
    except NoteFormatError as exc:
        return f"line {exc.line}: {exc}"
    return None
