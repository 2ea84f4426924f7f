"""The chat bench runs end to end in a tiny configuration (4 clients, a second per run):
real servers, real load-generator processes. It checks what the bench counts, never its
timings: every message of a closed loop reaches every client, on each target."""

from __future__ import annotations

from pathlib import Path

from bench import chat
from bench.chat_servers import _close_code

TINY = chat.Options(
    duration=1, warmup=0.5, clients=4, rate=8, workers=2, stalled_warmup=0.5, only="in-process"
)


def test_the_chat_bench_delivers_every_message_to_every_client_and_writes_its_section(
    tmp_path: Path,
) -> None:
    closed_loop, _, _, stalled = chat.scenarios(TINY)
    results = chat.measure(TINY, (closed_loop, stalled))

    names = [target.name for target in chat.targets(TINY)]
    assert names == [chat.BASELINE, "caseworks memory, in-process bus"]
    for name in names:
        delivered = results[(name, closed_loop.name)]
        assert delivered.sent > 0
        assert delivered.undelivered == 0
        assert delivered.errors == 0
        assert delivered.closed == {}
        assert (name, stalled.name) in results
    report = tmp_path / "latest.md"
    report.write_text("# Benchmark\n\nthe HTTP rows\n\n## Chat\n\nan older run\n")
    chat.write_section(report, chat.section(results, TINY))
    text = report.read_text()
    assert text.startswith("# Benchmark\n\nthe HTTP rows\n\n## Chat\n")
    assert "an older run" not in text
    assert f"| {chat.BASELINE} | {closed_loop.name} |" in text


def test_the_stalled_client_finds_the_close_code_after_the_frames_it_never_read() -> None:
    text = b"\x81\x7e" + (300).to_bytes(2, "big") + b"x" * 300  # a 300-byte text frame
    close = b"\x88\x02" + (1013).to_bytes(2, "big")
    assert _close_code(text + text + close) == 1013
    assert _close_code(text) is None
