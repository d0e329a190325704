"""Content-Encoding and chunk-boundary mutations of every recorded body, through both
clients: nothing but an ``LLMError`` ever reaches the caller.

Every transcript of the protocol table, streamed, and every recorded JSON body, to the
whole call and to the stream method, is served through ``httpx.MockTransport``
(tests/support/encoding_fuzz.py says how) correctly encoded (gzip, deflate, stacked,
in random pieces down to single bytes and empty ones), and corrupted (flipped bits,
truncation, inserted and deleted bytes, a wrong CRC or ISIZE, a coding the body does not
have or httpx does not know, an empty body). A correctly encoded body gives exactly what
the plain body gives; a corrupt one completes or raises an ``LLMError``, a stream's
carrying what arrived in ``.partial``. The cases are seeded per body and case: the same on
every run.
"""

from __future__ import annotations

import pytest

from tests.support import encoding_fuzz
from tests.support.encoding_fuzz import Body
from tests.support.facade import Mode
from tests.support.protocols import CASES

BODIES = encoding_fuzz.bodies()


def test_every_transcript_and_json_body_is_served() -> None:
    streamed = {body.path for body in BODIES if not body.whole}
    assert {t.path for _, t in CASES} <= streamed
    json_paths = set(encoding_fuzz.json_bodies())
    assert len(json_paths) >= 25
    for whole in (True, False):
        assert {b.path for b in BODIES if b.whole is whole and b.path.suffix == ".json"} == (
            json_paths
        )


def test_the_cases_are_the_same_on_every_run() -> None:
    body = BODIES[0]
    first = encoding_fuzz.cases(body.id, body.plain)
    assert first == encoding_fuzz.cases(body.id, body.plain)
    assert len({case.name for case in first}) == len(first)
    assert sum(case.exact for case in first) >= 30
    assert sum(not case.exact for case in first) >= 40
    # Some pieces are single bytes, some empty.
    pieces = [len(p) for case in first for p in case.pieces]
    assert 0 in pieces and 1 in pieces


@pytest.mark.parametrize("body", BODIES, ids=lambda body: body.id)
def test_encoded_and_rechunked_bodies_raise_only_llm_errors(body: Body, mode: Mode) -> None:
    results = encoding_fuzz.run(body, mode)
    problems = [f"{r.case.name}: {r.problem}" for r in results if r.problem is not None]
    assert problems == [], f"{len(problems)} of {len(results)} cases:\n" + "\n".join(problems)
