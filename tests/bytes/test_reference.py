"""The reference every byte-path run is compared with is the hand-checked answer.

A transcript's frame-level outcome (its frames, cut by the tests' own splitter, fed to the
codec of the client that reads it: tests/support/byte_path.py) must be what the
``<name>.expected.json`` beside it says, by that protocol's check (tests/support/
expected.py: chunk or event count, text, reasoning, tool calls, finish reason, usage, and
the typed error of an in-band error, as far as each protocol's files go). Every other test
of tests/bytes then asks the real clients for exactly that reference, so each of them is
tied to values a person checked.
"""

from __future__ import annotations

import pytest

from tests.support.protocols import CASES, Protocol, Transcript, case_id, reference


@pytest.mark.parametrize(("row", "transcript"), CASES, ids=[case_id(*c) for c in CASES])
def test_the_frame_level_reference_is_the_hand_checked_answer(
    row: Protocol, transcript: Transcript
) -> None:
    row.expected(transcript.path, reference(transcript))
