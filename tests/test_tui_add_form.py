"""The add-paper form: saving writes the note, failures keep what was typed."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from papernotes.tui.app import build_app
from papernotes.tui.screens.add_paper import AddPaperScreen
from papernotes.tui.screens.main_screen import MainScreen
from papernotes.tui.widgets.paper_list import PaperList
from tests.tui_helpers import SIZE, notifications, pilot_test, ready, type_text

TYPED = {
    "year": "2024",
    "title": "知识蒸馏 Survey: Distilling Knowledge",
    "venue": "ACL",
    "code": "https://github.com/example/kd",
    "arxiv": "2401.01234",
    "tags": "蒸馏, survey",
}


async def fill_form(app, pilot, with_notes: bool = True) -> None:
    """Type every field the way a user would: focus, keys, tab to the next field."""
    screen = app.screen
    for name, value in TYPED.items():
        screen.query_one(f"#field-{name}").focus()
        await type_text(pilot, value)
    if with_notes:
        screen.query_one("#field-notes").focus()
        await type_text(pilot, "第一条笔记")
        await pilot.press("enter")
        await type_text(pilot, "2. second note")
    await pilot.pause()


@pilot_test
async def test_adding_through_the_form_writes_the_note_file_with_the_typed_fields(seed_library):
    app = build_app(seed_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AddPaperScreen)
        assert app.focused.id == "field-year"
        await fill_form(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(PaperList).highlighted.paper.title == TYPED["title"]
    files = list((seed_library / "2024").glob("*.md"))
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    assert text.startswith("---\n")
    for line in (
        "title: '知识蒸馏 Survey: Distilling Knowledge'",
        "year: 2024",
        "venue: ACL",
        "code: https://github.com/example/kd",
        "arxiv: '2401.01234'",
        "tags:\n- 蒸馏\n- survey\n",
        "status: unread",
    ):
        assert line in text
    assert text.endswith("---\n1. 第一条笔记\n2. second note\n")


@pilot_test
async def test_an_invalid_form_is_not_saved_and_keeps_its_fields(seed_library):
    app = build_app(seed_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await fill_form(app, pilot)
        app.screen.query_one("#field-code").value = "javascript:alert(1)"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AddPaperScreen)
        assert any("http(s)" in m for m in notifications(app, "error"))
        assert app.focused.id == "field-code"
        assert app.screen.values()["title"] == TYPED["title"]
    assert not (seed_library / "2024").exists()


@pilot_test
async def test_a_duplicate_is_refused_and_the_form_stays_open(seed_library):
    app = build_app(seed_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#field-year").value = "2020"
        app.screen.query_one("#field-title").value = "TinyBERT: Distilling BERT for NLU"
        app.screen.query_one("#field-arxiv").value = "1909.10351"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AddPaperScreen)
        assert any("already in the library" in m for m in notifications(app, "error"))
    assert sorted(p.name for p in (seed_library / "2020").iterdir()) == ["albert.md", "tinybert.md"]


@pilot_test
async def test_esc_keeps_the_typed_fields_for_the_next_add(seed_library):
    app = build_app(seed_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await fill_form(app, pilot, with_notes=False)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("a")
        await pilot.pause()
        values = app.screen.values()
        assert {k: values[k] for k in TYPED} == TYPED


class _Unavailable(BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).requests += 1
        self.send_response(503)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"Service Unavailable")

    def log_message(self, *args):
        pass


@pytest.fixture
def arxiv_503(monkeypatch):
    """A loopback arXiv that answers 503 to everything; retries made instant."""
    from papernotes import arxiv_client

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    _Unavailable.requests = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("PAPERNOTES_ARXIV_URL", f"http://127.0.0.1:{server.server_port}/api/query")
    monkeypatch.setattr(
        arxiv_client,
        "DEFAULT_POLITENESS",
        arxiv_client.Politeness(interval=0, retries=1, backoff=0),
    )
    yield _Unavailable
    server.shutdown()
    server.server_close()


@pilot_test
async def test_a_503_from_arxiv_keeps_the_typed_form_and_shows_an_error(seed_library, arxiv_503):
    app = build_app(seed_library)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await fill_form(app, pilot)
        typed = app.screen.values()
        await pilot.click("#fetch")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert arxiv_503.requests >= 1
        errors = notifications(app, "error")
        assert len(errors) == 1 and "503" in errors[0]
        assert isinstance(app.screen, AddPaperScreen)
        assert app.screen.values() == typed
        assert not app.screen.query_one("#fetch").disabled
    assert not (seed_library / "2024").exists()
