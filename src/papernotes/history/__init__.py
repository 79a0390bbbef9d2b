"""The library's history through the real ``git`` program: commits of exactly the files a
write changed, the log, the files of a commit, fetch, merge and push.

Runs ``git`` as a subprocess (never a shell, never a git library), always with ``-C`` the
library folder and ``--`` before paths. Imports only ``papernotes.model``,
``papernotes.errors``, ``papernotes.text`` and ``papernotes.history``; the library layer uses it.
"""
