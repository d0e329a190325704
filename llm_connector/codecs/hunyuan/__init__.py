"""Tencent Hunyuan's native API (Tencent Cloud API 3.0), requests signed with
TC3-HMAC-SHA256 (``signing.py``).

https://cloud.tencent.com/document/api/1729/105701
"""
