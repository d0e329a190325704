"""Ask for a typed answer and watch it arrive.

    python examples/structured.py "Plan a day in Kyoto."

With ``OPENAI_API_KEY`` set this asks OpenAI (``OPENAI_MODEL``, default gpt-4o-mini); without
it the mock answers in OpenAI's wire format. The answer is a ``DayPlan``: while it streams,
``partial_output()`` shows the plan so far (here: each time a stop is complete); at the
end, ``parse`` gives the typed value.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from typing import Literal

from llm_connector import Client
from llm_connector.types import ChatRequest, Message


@dataclasses.dataclass
class Stop:
    place: str
    hour: int
    """The hour of the day it starts, 0-23."""
    kind: Literal["sight", "food", "walk"]


@dataclasses.dataclass
class DayPlan:
    """A day's plan, stop by stop."""

    city: str
    stops: list[Stop]


OFFLINE_PLAN = DayPlan(
    "Kyoto",
    [
        Stop("Fushimi Inari", 7, "walk"),
        Stop("Nishiki Market", 12, "food"),
        Stop("Kinkaku-ji", 15, "sight"),
    ],
)


def make_client() -> Client:
    if os.environ.get("OPENAI_API_KEY"):
        return Client.openai(model=os.environ.get("OPENAI_MODEL", "gpt-4o-mini"))
    print("(no OPENAI_API_KEY: answering offline in OpenAI's wire format)\n", file=sys.stderr)
    return Client.mock(json.dumps(dataclasses.asdict(OFFLINE_PLAN)))


def main(argv: list[str]) -> None:
    prompt = " ".join(argv) or "Plan a day in Kyoto."
    request = ChatRequest().add_message(Message.user(prompt)).with_output_type(DayPlan)
    shown = 0
    with make_client() as client, client.chat_stream(request) as stream:
        for _ in stream:
            so_far = stream.partial_output() or {}
            complete = [s for s in so_far.get("stops", []) if "kind" in s]
            for stop in complete[shown:]:
                print(f"  ... {stop['hour']:02d}:00 {stop['place']}")
            shown = len(complete)
        plan = stream.final_response().parse(DayPlan)
    print(f"{plan.city}: {len(plan.stops)} stops")
    for stop in plan.stops:
        print(f"{stop.hour:02d}:00  {stop.kind:<5}  {stop.place}")


if __name__ == "__main__":
    main(sys.argv[1:])
