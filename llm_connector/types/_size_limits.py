"""How much of an answer a call may hold: the public :class:`SizeLimits` value (pure).

A server that never ends a line, or a small compressed body that inflates to gigabytes,
would otherwise be read into memory whole. These bound what the shells keep while they
read (see docs/reliability.md, "Bounded memory").
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from llm_connector.errors import RequestValidationError
from llm_connector.types._value import FrozenValue

__all__ = ["DEFAULT_SIZE_LIMITS", "MiB", "SizeLimits", "check_size_limits"]

MiB = 1024 * 1024


def _positive_bytes(field: str) -> Callable[[object, object, int], None]:
    def check(_: object, __: object, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise RequestValidationError(
                f"size_limits.{field}", f"must be a positive number of bytes, got {value!r}"
            )

    return check


@attrs.frozen(repr=False, eq=False)
class SizeLimits(FrozenValue):
    """The most a call reads into memory at once, in bytes (after decompression).

    ``max_event_bytes`` (16 MiB)
        One event of a stream: a Server-Sent Event (its data lines together, and any one
        line of it), or one NDJSON line. The largest events real providers send (a whole
        answer repeated in a Responses API ``response.completed``, a base64 image) are a
        few MiB.
    ``max_body_bytes`` (64 MiB)
        A body read whole: the answer of a call that does not stream, an error body, and
        the decompressed bytes of either.

    Going past one raises ``ResponseTooLargeError`` naming the limit, with what arrived
    before it on ``.partial`` (for a stream). Set per client (``size_limits=``) or per
    request (``with_size_limits``).
    """

    max_event_bytes: int = attrs.field(
        default=16 * MiB, validator=_positive_bytes("max_event_bytes")
    )
    max_body_bytes: int = attrs.field(default=64 * MiB, validator=_positive_bytes("max_body_bytes"))


DEFAULT_SIZE_LIMITS = SizeLimits()


def check_size_limits(value: object) -> None:
    """Refuse a ``size_limits=`` (a client's or a request's) that is not a SizeLimits."""
    if value is not None and not isinstance(value, SizeLimits):
        raise RequestValidationError(
            "size_limits", f"expected a llm_connector.SizeLimits, got {type(value).__name__}"
        )
