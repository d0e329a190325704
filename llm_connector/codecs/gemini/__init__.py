"""Google Gemini's ``generateContent`` API (the Gemini Developer API).

https://ai.google.dev/api/generate-content
"""
