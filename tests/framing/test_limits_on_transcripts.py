"""Nothing that arrived is lost to a limit, at every split of real transcripts.

Each recorded stream (tests/data) is read with ``max_event_bytes`` set at its largest
event (or line), where every frame must come out, and one below it, where every frame
before the first event that large must come out, and then ``ResponseTooLargeError``: the
body whole, in two at every index, a byte at a time, and a frame per read (the readers'
shortcuts). The reference is the same reader with the default limit on the whole body
(tests/framing/test_sse_reader.py holds the SSE reader to httpx-sse).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import pytest

from llm_connector.codecs.framing import frame_reader
from llm_connector.errors import ResponseTooLargeError
from tests.support.paths import DATA

TRANSCRIPTS = [
    ("openai-chat/text-basic-gpt35.sse", "sse"),
    ("openai-chat/parallel-tool-calls-gpt35.sse", "sse"),
    ("anthropic/text-then-tool-use.sse", "sse"),
    ("gemini/sse-code-execution.sse", "sse"),
    ("openai-responses/text-basic.sse", "sse"),
    ("openai-compat/hunyuan-lite-stream.sse", "sse"),
    ("ollama/chat-stream-llama3.ndjson", "ndjson"),
    ("ollama/chat-stream-deepseek-r1-think-tags-excerpt.ndjson", "ndjson"),
]
IDS = [name.rsplit("/", 1)[1] for name, _ in TRANSCRIPTS]

Frames = list[tuple[str, str]]


@functools.cache
def body(name: str) -> bytes:
    return (DATA / name).read_bytes()


@functools.cache
def reference(name: str, framing: str) -> Frames:
    reader = frame_reader(framing)
    frames = [*reader.feed(body(name)), *reader.close()]
    return [(frame.event, frame.data) for frame in frames]


def size(framing: str, data: str) -> int:
    """What the limit counts of a frame: SSE the data's characters, NDJSON the line's bytes
    (the transcripts' lines end in LF, with no CR)."""
    return len(data) if framing == "sse" else len(data.encode())


def longest_other_line(name: str, framing: str) -> int:
    """The longest line that is no data line (SSE's ``event:``, ``id:``, comments)."""
    if framing == "ndjson":
        return 0
    lines = re.split(rb"\r\n|\r|\n", body(name))
    return max((len(line) for line in lines if not line.startswith(b"data")), default=0)


def read(framing: str, limit: int, reads: Sequence[bytes]) -> tuple[Frames, bool]:
    """The frames until the reader raises, and whether it raised the limit."""
    reader = frame_reader(framing, limit)
    got: Frames = []
    try:
        for data in reads:
            got += [(frame.event, frame.data) for frame in reader.feed(data)]
        got += [(frame.event, frame.data) for frame in reader.close()]
    except ResponseTooLargeError:
        return got, True
    return got, False


def all_reads(name: str, framing: str) -> list[list[bytes]]:
    whole = body(name)
    ways = [[whole], [whole[i : i + 1] for i in range(len(whole))]]
    ways += [[whole[:i], whole[i:]] for i in range(1, len(whole))]
    end = rb".*?(?:\r\n\r\n|\n\n|\r\r|\Z)" if framing == "sse" else rb".*?(?:\n|\Z)"
    per_frame = [read for read in re.findall(end, whole, re.DOTALL) if read]
    assert b"".join(per_frame) == whole
    ways.append(per_frame)
    return ways


@pytest.mark.parametrize(("name", "framing"), TRANSCRIPTS, ids=IDS)
def test_at_the_largest_event_every_frame_comes_out(name: str, framing: str) -> None:
    frames = reference(name, framing)
    limit = max(size(framing, data) for _, data in frames)
    assert len(frames) > 3 and longest_other_line(name, framing) <= limit
    for reads in all_reads(name, framing):
        assert read(framing, limit, reads) == (frames, False), [len(r) for r in reads]


@pytest.mark.parametrize(("name", "framing"), TRANSCRIPTS, ids=IDS)
def test_below_it_the_frames_before_come_out_then_the_error(name: str, framing: str) -> None:
    frames = reference(name, framing)
    sizes = [size(framing, data) for _, data in frames]
    limit = max(sizes) - 1
    first = next(i for i, n in enumerate(sizes) if n > limit)
    assert longest_other_line(name, framing) <= limit
    for reads in all_reads(name, framing):
        assert read(framing, limit, reads) == (frames[:first], True), [len(r) for r in reads]


@pytest.mark.parametrize(("name", "framing"), TRANSCRIPTS, ids=IDS)
def test_a_limit_hit_early_loses_nothing_before_it(name: str, framing: str) -> None:
    # A limit most events pass and a few do not: the first of those stops the reading.
    frames = reference(name, framing)
    sizes = [size(framing, data) for _, data in frames]
    limit = sorted(sizes)[len(sizes) // 2]
    if limit < longest_other_line(name, framing):
        pytest.skip("a line other than data is longer than this limit")
    first = next((i for i, n in enumerate(sizes) if n > limit), len(frames))
    for reads in all_reads(name, framing)[:2]:  # whole, and a byte at a time
        assert read(framing, limit, reads) == (frames[:first], first < len(frames))
