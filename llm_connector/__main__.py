"""``python -m llm_connector``: the command line (see ``llm_connector._cli``)."""

from llm_connector._cli import run

if __name__ == "__main__":
    run()
