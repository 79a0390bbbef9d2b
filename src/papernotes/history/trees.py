"""A commit's tree with some files replaced, built from git's objects: only the folders on
the way to a changed file are listed and written again (``git ls-tree`` / ``git mktree``),
so a change in a library of 10,000 notes costs a few small git calls, not reading them all."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from papernotes.history.git import Git

Entry = tuple[str, str, str]  # mode, type, object id


@dataclass
class _Folder:
    files: dict[str, Entry | None] = field(default_factory=dict)  # None: removed
    folders: dict[str, _Folder] = field(default_factory=dict)


def tree_with(git: Git, base_tree: str | None, prefix: str, paths: list[str]) -> str | None:
    """The id of ``base_tree`` (None: empty) with the files at ``paths`` (relative to the
    folder ``git`` runs in, which is ``prefix`` inside the repository) as they are on disk,
    a missing file removed; None when the tree would be empty."""
    present = [p for p in paths if os.path.lexists(os.path.join(git.folder, p))]
    blobs = _hash(git, present, prefix)
    root = _Folder()
    for rel in paths:
        parts = [part for part in (prefix.rstrip("/") + "/" + rel).split("/") if part]
        folder = root
        for name in parts[:-1]:
            folder = folder.folders.setdefault(name, _Folder())
        entry = None
        if rel in blobs:
            entry = (_mode(os.path.join(git.folder, rel)), "blob", blobs[rel])
        folder.files[parts[-1]] = entry
    return _write(git, base_tree, root)


def _hash(git: Git, paths: list[str], prefix: str) -> dict[str, str]:
    """Each file written to git's objects (its clean filters applied, as ``git add`` would).
    git reads the paths from the repository's top folder, hence ``prefix``."""
    links = [p for p in paths if os.path.islink(os.path.join(git.folder, p))]
    files = [p for p in paths if p not in set(links)]
    blobs = {}
    for link in links:  # as git commits a link: its target path, never what it points to
        target = os.readlink(os.path.join(git.folder, link))
        out = git.call("hash-object", "-w", "--stdin", input=target, what="git hash-object")
        blobs[link] = out.strip()
    if not files:
        return blobs
    listing = "".join(f"{prefix}{path}\n" for path in files)
    out = git.call("hash-object", "-w", "--stdin-paths", input=listing, what="git hash-object")
    return {**blobs, **dict(zip(files, out.split(), strict=True))}


def _mode(path: str) -> str:
    status = os.lstat(path)
    if stat.S_ISLNK(status.st_mode):
        return "120000"
    return "100755" if status.st_mode & 0o111 else "100644"


def _write(git: Git, tree: str | None, changes: _Folder) -> str | None:
    entries: dict[str, Entry] = {}
    if tree:
        out = git.call("ls-tree", "-z", "--full-tree", tree, what="git ls-tree")
        for record in out.split("\0"):
            if record:
                info, _, name = record.partition("\t")
                mode, kind, oid = info.split()
                entries[name] = (mode, kind, oid)
    for name, entry in changes.files.items():
        if entry is None:
            entries.pop(name, None)
        else:
            entries[name] = entry
    for name, sub in changes.folders.items():
        old = entries.get(name)
        new = _write(git, old[2] if old and old[1] == "tree" else None, sub)
        if new is None:
            entries.pop(name, None)
        else:
            entries[name] = ("040000", "tree", new)
    if not entries:
        return None
    listing = "".join(
        f"{mode} {kind} {oid}\t{name}\0" for name, (mode, kind, oid) in entries.items()
    )
    return git.call("mktree", "-z", "--missing", input=listing, what="git mktree").strip()
