"""AWS Bedrock's Converse API (``/model/{modelId}/converse`` and ``/converse-stream``),
requests signed with Signature Version 4 (``sigv4.py``) or a Bedrock API key, streams in
AWS's binary event stream (``codecs/framing/eventstream.py``).

https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
"""
