"""The protocol table itself (tests/support/protocols.py): every recorded stream is in it,
with its expected file; the split rules cut where a stride could go wrong; and the
recordings a row cuts at a stride only are the ones another row cuts at every index with
the very same decoder configuration.

These need no client: they check the table the other tests of tests/bytes run.
"""

from __future__ import annotations

from llm_connector.codecs.openai_chat.codec import OpenAIChatCodec
from tests.support.byte_path import two_piece_cuts
from tests.support.paths import DATA
from tests.support.protocols import (
    CASES,
    COMPAT_TRANSCRIPTS,
    PROTOCOLS,
    Alternating,
    EveryIndexUpTo,
    Strided,
    body,
    case_id,
    protocol,
)


def test_the_rows() -> None:
    assert [row.name for row in PROTOCOLS] == [
        "openai-chat",
        "openai-compat",
        "dashscope",
        "hunyuan",
        "anthropic",
        "gemini",
        "ollama",
        "responses",
    ]


def test_every_recorded_stream_is_in_the_table_with_its_expected_file() -> None:
    # The structured-output recordings (tests/data/structured) are read at every split
    # point, framing, decoder and partial JSON reader together, by
    # tests/structured/test_transcripts.py; the byte harness does not repeat them.
    streams = {
        p.relative_to(DATA).as_posix()
        for pattern in ("*/*.sse", "ollama/*.ndjson")
        for p in DATA.glob(pattern)
        if p.parent.name != "structured"
    }
    in_table = {t.path.relative_to(DATA).as_posix() for _, t in CASES}
    assert in_table == streams
    for row, transcript in CASES:
        assert transcript.path.with_name(transcript.path.stem + ".expected.json").is_file(), (
            case_id(row, transcript)
        )


def test_every_compat_recording_goes_through_its_own_provider_s_client() -> None:
    # The corpus's openai-compat recordings (MANIFEST), all streamed ones, and DashScope's.
    streamed = sorted(p.name for p in (DATA / "openai-compat").glob("*.sse"))
    native = sorted(p.name for p in (DATA / "dashscope").glob("*.sse"))
    assert len(streamed) == 23
    assert len(native) == 3
    assert sorted(
        t.path.name for t in COMPAT_TRANSCRIPTS if t.path.parent.name != "hunyuan"
    ) == sorted(streamed + native)
    assert all(t.wire.name != "openai_compatible" for t in COMPAT_TRANSCRIPTS)


def test_the_strided_recordings_decode_as_the_openai_chat_row_proves() -> None:
    # Five recordings get ~300 cuts in the openai-compat row rather than every index: the
    # openai-chat row splits them at every index through the generic openai_compatible
    # client, and their providers' clients decode with that very decoder configuration
    # (no think-tag splitting).
    strided = [t for t in COMPAT_TRANSCRIPTS if not t.every_index]
    assert [t.path.stem for t in strided] == [
        "deepseek-chat-stream",
        "deepseek-reasoner-stream",
        "hf-router-novita-stream",
        "openai-via-relay-parallel-tool-calls",
        "openrouter-minimax-midstream-error",
    ]
    generic = {t.path.stem for t in protocol("openai-chat").transcripts}
    for t in strided:
        codec = t.codec()
        assert isinstance(codec, OpenAIChatCodec)
        assert (codec.dialect.think_tags, codec.dialect.think_tags_implicit_open) == (False, False)
        assert t.path.stem in generic


def test_the_rules_each_row_splits_by() -> None:
    assert {row.name: row.splits for row in PROTOCOLS} == {
        "openai-chat": Strided(large_splits=300),
        "openai-compat": Strided(large_splits=300),
        "dashscope": Strided(large_splits=300),
        "hunyuan": Strided(large_splits=300),
        "anthropic": Strided(large_splits=600),
        "gemini": Strided(large_splits=600),
        "ollama": EveryIndexUpTo(limit=4_000, stride=5),
        "responses": Alternating(stride_above=10_000, large_splits=150),
    }


def test_the_two_clients_cut_small_transcripts_at_every_index() -> None:
    # Small: up to 10 KB (4 KB for NDJSON), unless the row strides a recording another row
    # cuts at every index (test above). The Responses row splits the indexes between them.
    checked = 0
    for row, transcript in CASES:
        whole = body(transcript.path)
        limit = row.splits.limit if isinstance(row.splits, EveryIndexUpTo) else 10_000
        if len(whole) > limit or not transcript.every_index:
            continue
        both = set(row.splits.cuts(transcript, whole, "sync"))
        both |= set(row.splits.cuts(transcript, whole, "async"))
        assert both == set(range(1, len(whole))), case_id(row, transcript)
        checked += 1
    assert checked > len(CASES) // 2


def test_the_cuts_go_through_every_multibyte_character() -> None:
    # Inside every multi-byte character (its continuation bytes) at whatever stride: where
    # a text decoder fed half a character would go wrong.
    for row, transcript in CASES:
        whole = body(transcript.path)
        inside = {i for i, byte in enumerate(whole) if 0x80 <= byte < 0xC0}
        cuts = set(row.splits.cuts(transcript, whole, "sync"))
        assert inside <= cuts, case_id(row, transcript)


def test_the_large_transcripts_do_have_multibyte_characters() -> None:
    # So the test above means something where it matters: the strided transcripts.
    anthropic = body(DATA / "anthropic" / "code-execution-server-tool.sse")
    # The code-execution answer's emoji, dashes and "x" signs (3- and 4-byte UTF-8) are cut
    # through at every byte: it is under the stride limit.
    assert len(anthropic) <= 10_000 and "✅".encode() in anthropic and "×".encode() in anthropic
    for stem in ("deepseek-chat-stream", "deepseek-reasoner-stream"):
        deepseek = body(DATA / "openai-compat" / f"{stem}.sse")
        inside = {i for i, byte in enumerate(deepseek) if 0x80 <= byte < 0xC0}
        assert inside, f"{stem} has non-ASCII text"
        # The emoji and dashes are cut through, byte by byte, at a stride not the rule's too.
        assert inside <= set(two_piece_cuts(deepseek, stride=97))
    grounding = body(DATA / "gemini" / "sse-grounding-web-search.sse")
    assert len(grounding) > 10_000
    assert any(0x80 <= byte < 0xC0 for byte in grounding), "raw non-ASCII text"
