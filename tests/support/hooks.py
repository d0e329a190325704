"""Event hooks that write down every event they receive, in order (the hooks tests and the
logging tests, which check that logging and hooks see the same attempts, share them)."""

from __future__ import annotations

from typing import Any, TypeAlias

from llm_connector import Hooks, RequestInfo, ResponseInfo, RetryInfo

Event: TypeAlias = tuple[str, RequestInfo | ResponseInfo | RetryInfo]


class Recorder:
    """Hooks that write down every event they receive, in order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def request(self, info: RequestInfo) -> None:
        self.events.append(("request", info))

    def response(self, info: ResponseInfo) -> None:
        self.events.append(("response", info))

    def retry(self, info: RetryInfo) -> None:
        self.events.append(("retry", info))

    def hooks(self) -> Hooks:
        return Hooks(on_request=self.request, on_response=self.response, on_retry=self.retry)

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.events]

    def infos(self, kind: str) -> list[Any]:
        return [info for k, info in self.events if k == kind]
