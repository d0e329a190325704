"""The think-tag splitter (llm_connector/codecs/think_tags.py), against a reference.

The reference is a whole-text split written here from the rules (the module docstring, and
Ollama's own parser it follows): a think block only at the start, whitespace after either
tag dropped, an unclosed block all reasoning, and with ``implicit_open`` the text starting
inside the block. The incremental splitter must give the same result however the text is
cut: at every split point, at many at once (hypothesis), one character at a time, and with
tags cut in the middle (``<thi`` + ``nk>``). It must also hand text out as soon as it
cannot be part of a tag.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm_connector.codecs.think_tags import (
    ThinkSplit,
    ThinkTagRewriter,
    ThinkTagSplitter,
    split_response,
    split_think_tags,
)
from llm_connector.types import (
    ChatResponse,
    Choice,
    Delta,
    Message,
    StreamChoice,
    StreamingResponse,
    ToolCall,
)
from tests.support.framing import ndjson_lines
from tests.support.ollama_oracle import DATA


def reference(text: str, implicit_open: bool = False) -> tuple[str, str]:
    """(reasoning, content) of a whole text, by the rules, without any incremental state."""
    stripped = text.lstrip()
    if stripped.startswith("<think>"):
        body = stripped[len("<think>") :]
    elif implicit_open:
        body = stripped
    else:
        return "", text
    reasoning, closed, content = body.lstrip().partition("</think>")
    return reasoning, content.lstrip() if closed else ""


def run_pieces(pieces: list[str], implicit_open: bool = False) -> tuple[str, str]:
    splitter = ThinkTagSplitter(implicit_open=implicit_open)
    reasoning, content = [], []
    for piece in [*pieces, None]:
        part = splitter.feed(piece) if piece is not None else splitter.flush()
        assert isinstance(part, ThinkSplit)
        reasoning.append(part.reasoning)
        content.append(part.content)
    return "".join(reasoning), "".join(content)


DEEPSEEK = "".join(
    json.loads(line)["message"]["content"]
    for line in ndjson_lines(
        (DATA / "chat-stream-deepseek-r1-think-tags-excerpt.ndjson").read_bytes()
    )
)

TEXTS = [
    pytest.param(
        DEEPSEEK, ("嗯，这个问题角度。\n", "根据上述思考，角度来考虑。"), id="deepseek-r1"
    ),
    pytest.param("<think>a</think>b", ("a", "b"), id="tight"),
    pytest.param("\n <think>\n\nplan\n</think>\n\nanswer", ("plan\n", "answer"), id="spaces"),
    pytest.param("<think></think>\n\nhi", ("", "hi"), id="empty-block"),  # Qwen3 /no_think
    pytest.param("<think>unclosed", ("unclosed", ""), id="unclosed"),
    pytest.param("just an answer", ("", "just an answer"), id="no-tags"),
    pytest.param("  spaced answer ", ("", "  spaced answer "), id="no-tags-keeps-spaces"),
    pytest.param("<thinking>x</thinking>", ("", "<thinking>x</thinking>"), id="other-tag"),
    pytest.param("<thi", ("", "<thi"), id="only-a-partial-open"),
    pytest.param(
        "Use `<think>` like this: <think>x</think>",
        ("", "Use `<think>` like this: <think>x</think>"),
        id="mention-mid-answer",
    ),
    pytest.param(
        "<think>a < b, and </thin is not it</think>ok </think> stays",
        ("a < b, and </thin is not it", "ok </think> stays"),
        id="lookalikes",
    ),
    pytest.param("<think>x</think>   ", ("x", ""), id="only-spaces-after"),
    pytest.param("   ", ("", "   "), id="only-spaces"),
]


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_the_reference_says_what_the_cases_mean(text: str, expected: tuple[str, str]) -> None:
    assert reference(text) == expected


@pytest.mark.parametrize(("text", "expected"), TEXTS)
def test_every_split_point_gives_the_whole_text_split(text: str, expected: tuple[str, str]) -> None:
    assert run_pieces([text]) == expected
    assert split_think_tags(text) == ThinkSplit(*expected)
    for cut in range(1, len(text)):
        assert run_pieces([text[:cut], text[cut:]]) == expected, cut
    assert run_pieces(list(text)) == expected


IMPLICIT = [
    pytest.param("plan it\n</think>\n\nanswer", ("plan it\n", "answer"), id="implicit"),
    pytest.param("\n\nplan</think>answer", ("plan", "answer"), id="implicit-leading-spaces"),
    pytest.param("<think>\nplan</think>a", ("plan", "a"), id="implicit-explicit-tag-too"),
    pytest.param("never closes", ("never closes", ""), id="implicit-unclosed"),
    pytest.param("  <thi", ("<thi", ""), id="implicit-partial-open"),
    pytest.param("</think>answer", ("", "answer"), id="implicit-empty"),
]


@pytest.mark.parametrize(("text", "expected"), IMPLICIT)
def test_a_stream_that_starts_inside_the_block(text: str, expected: tuple[str, str]) -> None:
    assert reference(text, implicit_open=True) == expected
    assert run_pieces([text], implicit_open=True) == expected
    for cut in range(1, len(text)):
        assert run_pieces([text[:cut], text[cut:]], implicit_open=True) == expected, cut


def test_a_tag_split_across_chunks() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("<thi") == ThinkSplit()
    assert splitter.feed("nk>why") == ThinkSplit("why", "")
    assert splitter.feed(" not</th") == ThinkSplit(" not", "")
    assert splitter.feed("ink>\n") == ThinkSplit()
    assert splitter.feed("\nBecause.") == ThinkSplit("", "Because.")
    assert splitter.flush() == ThinkSplit()


def test_text_comes_out_as_soon_as_it_cannot_be_a_tag() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("Hel") == ThinkSplit("", "Hel")  # not "<": the answer has begun
    assert splitter.passing_through
    assert splitter.feed("<think>") == ThinkSplit("", "<think>")
    thinking = ThinkTagSplitter()
    thinking.feed("<think>")
    assert thinking.feed("a<b") == ThinkSplit("a<b", "")  # "<b" cannot begin "</think>"
    assert thinking.feed("c</") == ThinkSplit("c", "")  # "</" could
    assert thinking.feed("x") == ThinkSplit("</x", "")
    assert thinking.flush() == ThinkSplit()
    held = ThinkTagSplitter()
    assert held.feed("<think>abc</think") == ThinkSplit("abc", "")
    assert held.flush() == ThinkSplit("</think", "")  # unclosed after all


def test_after_flush_everything_is_answer_text() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("\n") == ThinkSplit()
    assert splitter.flush() == ThinkSplit("", "\n")
    assert splitter.feed("<think>x</think>") == ThinkSplit("", "<think>x</think>")


_ALPHABET = st.sampled_from(
    [
        "<think>",
        "</think>",
        "<thi",
        "nk>",
        "</th",
        "ink>",
        "<",
        "/",
        ">",
        " ",
        "\n",
        "a",
        "思",
        "\t",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(_ALPHABET, max_size=14).map("".join),
    cuts=st.lists(st.integers(0, 60), max_size=6),
    implicit_open=st.booleans(),
)
def test_any_text_cut_anywhere_splits_like_the_whole(
    text: str, cuts: list[int], implicit_open: bool
) -> None:
    bounds = sorted({0, len(text), *(c for c in cuts if c < len(text))})
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    assert run_pieces(pieces, implicit_open) == reference(text, implicit_open)


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_ALPHABET, max_size=14).map("".join), implicit_open=st.booleans())
def test_what_is_held_back_is_only_what_could_be_a_tag(text: str, implicit_open: bool) -> None:
    # After each character, what was handed out is a prefix of the split of the text seen
    # so far, and what is missing from it could still be a tag: at most len("</think>") - 1
    # characters, or whitespace and the start of "<think>" before anything else.
    splitter = ThinkTagSplitter(implicit_open=implicit_open)
    reasoning = content = ""
    for n, char in enumerate(text, 1):
        part = splitter.feed(char)
        reasoning, content = reasoning + part.reasoning, content + part.content
        whole_reasoning, whole_content = reference(text[:n], implicit_open)
        assert whole_reasoning.startswith(reasoning) and whole_content.startswith(content), n
        missing = whole_reasoning[len(reasoning) :] + whole_content[len(content) :]
        assert len(missing) < len("</think>") or "<think>".startswith(missing.lstrip()), n


# -- whole responses ---------------------------------------------------------------------------


def _response(content: str | None, reasoning: str | None = None, calls: int = 0) -> ChatResponse:
    tool_calls = [ToolCall.create(f"call_{n}", "f", "{}") for n in range(calls)]
    message = Message.assistant(content, tool_calls=tool_calls, reasoning_content=reasoning)
    return ChatResponse(id="r", model="m", choices=(Choice(0, message, "stop"),))


def test_split_response_moves_the_block_of_each_choice() -> None:
    out = split_response(_response("<think>plan</think>\n\nanswer"))
    assert (out.content, out.reasoning_content) == ("answer", "plan")
    assert (out.id, out.model, out.finish_reason) == ("r", "m", "stop")


def test_split_response_leaves_separated_reasoning_and_tool_only_answers_alone() -> None:
    native = _response("<think> is a tag", reasoning="server-side")
    assert split_response(native) == native
    only_calls = split_response(_response("<think>why</think>", calls=1))
    assert only_calls.message is not None
    assert (only_calls.message.content, only_calls.reasoning_content) == (None, "why")


def test_split_response_with_implicit_open() -> None:
    out = split_response(_response("plan</think>answer"), implicit_open=True)
    assert (out.content, out.reasoning_content) == ("answer", "plan")


# -- the stream rewriter -----------------------------------------------------------------------


def chunk(*choices: StreamChoice) -> StreamingResponse:
    return StreamingResponse("id", "m", choices, None, 7)


def text(content: str | None, index: int = 0, finish: str | None = None) -> StreamChoice:
    return StreamChoice(index, Delta(content=content), finish)


def fold(chunks: list[StreamingResponse]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    for c in chunks:
        for choice in c.choices:
            r, t = out.get(choice.index, ("", ""))
            out[choice.index] = (
                r + (choice.delta.reasoning_content or ""),
                t + (choice.delta.content or ""),
            )
    return out


def test_the_rewriter_splits_each_choice_and_flushes_on_finish() -> None:
    rewriter = ThinkTagRewriter()
    stream = [
        chunk(text("<thi"), text("plain", 1)),
        chunk(text("nk>a</th"), text(" <think>", 1)),
        chunk(text("ink>b", finish="stop"), text(None, 1, finish="stop")),
    ]
    out = [rewriter.rewrite(c) for c in stream]
    assert len(out) == 3
    assert [c.choices[0].delta.content for c in out] == [None, None, "b"]
    assert [c.choices[0].delta.reasoning_content for c in out] == [None, "a", None]
    assert out[1].choices[1] is stream[1].choices[1]  # choice 1 passes through untouched
    assert fold(out) == {0: ("a", "b"), 1: ("", "plain <think>")}
    assert rewriter.flush() == []


def test_the_rewriter_returns_an_unchanged_chunk_itself() -> None:
    rewriter = ThinkTagRewriter()
    first = chunk(text("Hello"))
    assert rewriter.rewrite(first) is first
    later = chunk(text(" <think> is a word here"))
    assert rewriter.rewrite(later) is later
    empty = StreamingResponse("id", "m", (), None)
    assert rewriter.rewrite(empty) is empty


def test_the_rewriter_releases_held_text_when_the_stream_ends_unfinished() -> None:
    rewriter = ThinkTagRewriter()
    out = rewriter.rewrite(chunk(text("<think>abc</thi")))
    assert out.choices[0].delta == Delta(reasoning_content="abc")
    (last,) = rewriter.flush()
    assert last == StreamingResponse(
        "id", "m", (StreamChoice(0, Delta(reasoning_content="</thi")),), None, 7
    )
    assert rewriter.flush() == []


def test_native_reasoning_turns_the_split_off_for_that_choice() -> None:
    rewriter = ThinkTagRewriter()
    held = rewriter.rewrite(chunk(text("\n")))
    assert held.choices[0].delta.content is None
    native = chunk(StreamChoice(0, Delta(content="<think>", reasoning_content="server")))
    out = rewriter.rewrite(native)
    # The held newline is released as text, and this text is the answer, tag and all.
    assert out.choices[0].delta == Delta(content="\n<think>", reasoning_content="server")
    later = chunk(text("<think>x</think>"))
    assert rewriter.rewrite(later) is later


def test_with_splitting_off_a_think_tag_in_code_is_left_alone() -> None:
    # Splitting is a setting: a provider without it passes text through untouched, and the
    # Ollama codec can be built without it (tests/ollama/test_codec_stream.py).
    answer = "```html\n<think>not a block</think>\n```"
    assert reference(answer) == ("", answer)  # not at the start, so untouched even when on
    assert run_pieces([answer[:9], answer[9:]]) == ("", answer)
