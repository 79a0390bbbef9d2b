"""Files on disk: the notes folder (note files, ``document.yaml``, lock, caches) and the
user cache folder. The only code that reads or writes the notes folder.

Imports only ``papernotes.model``, ``papernotes.errors``, ``papernotes.text``,
``papernotes.storage`` and the shared helpers ``papernotes.user_folders`` and
``papernotes.gc_pause``.
"""
