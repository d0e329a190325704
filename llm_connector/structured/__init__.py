"""Structured output: a Python type in, a value of that type out (docs/structured.md).

``schema.py`` makes a strict JSON schema from a type, ``parse.py`` turns the answer's JSON
into the type, ``partial.py`` reads a JSON value as it streams in, ``answers.py`` reads an
answer (its text, a refusal, or the forced tool call that carried it). None of it loads
unless a program asks for structured output.
"""
