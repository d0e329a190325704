"""Messages and multimodal parts: factories, data URLs, and file reading with MIME sniffing."""

from __future__ import annotations

import base64
import struct
from pathlib import Path

import pytest

from llm_connector.errors import RequestValidationError
from llm_connector.types import (
    DocumentPart,
    ImagePart,
    Message,
    TextPart,
    ToolCall,
)

# Real leading bytes of each format (file signatures from the format specifications).
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + b"\x00\x00\x00\rIHDR"
    + struct.pack(">II", 1, 1)
    + b"\x08\x02\x00\x00\x00"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
GIF87 = b"GIF87a\x01\x00\x01\x00\x80\x00\x00"
GIF89 = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
# RIFF container: "RIFF", little-endian size, then the form type "WEBP" and a VP8 chunk.
WEBP = b"RIFF" + struct.pack("<I", 26) + b"WEBPVP8 " + struct.pack("<I", 14) + b"\x00" * 14
WAVE = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + b"\x00" * 20
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# -- messages -----------------------------------------------------------------------------


def test_role_factories() -> None:
    assert Message.system("s") == Message(role="system", content="s")
    assert Message.developer("d") == Message(role="developer", content="d")
    assert Message.user("u", name="alice") == Message(role="user", content="u", name="alice")
    assert Message.tool("42", "call_1", name="calc") == Message(
        role="tool", content="42", tool_call_id="call_1", name="calc"
    )


def test_assistant_factory_carries_tool_calls_and_reasoning() -> None:
    call = ToolCall.create("call_1", "get_weather", {"city": "Oslo"})
    message = Message.assistant(tool_calls=[call], reasoning_content="The user wants weather.")

    assert message.role == "assistant"
    assert message.content is None
    assert message.tool_calls == (call,)
    assert message.reasoning_content == "The user wants weather."
    assert Message.assistant("Hi").content == "Hi"
    assert Message.assistant("Hi").tool_calls == ()


def test_text_joins_text_parts_and_skips_images() -> None:
    message = Message.user(
        [TextPart("first"), ImagePart.from_url("https://example.com/a.png"), TextPart("second")]
    )
    assert message.text() == "first\nsecond"
    assert Message.user("plain").text() == "plain"
    assert Message.assistant(None).text() == ""


def test_text_part() -> None:
    part = TextPart("hello")
    assert part.text == "hello"
    assert part.type == "text"


# -- images -------------------------------------------------------------------------------


def test_image_from_http_url() -> None:
    part = ImagePart.from_url("https://example.com/cat.jpg", detail="low")
    assert part == ImagePart(url="https://example.com/cat.jpg", detail="low")
    assert part.data is None
    assert part.media_type is None
    assert part.as_data_url() == "https://example.com/cat.jpg"
    assert part.type == "image"


def test_image_from_data_url_becomes_inline_base64() -> None:
    part = ImagePart.from_url(f"data:image/png;base64,{b64(PNG)}", detail="high")
    assert part.url is None
    assert part.data == b64(PNG)
    assert part.media_type == "image/png"
    assert part.detail == "high"
    assert part.as_data_url() == f"data:image/png;base64,{b64(PNG)}"


def test_image_from_base64() -> None:
    part = ImagePart.from_base64(b64(JPEG), "image/jpeg")
    assert part == ImagePart(data=b64(JPEG), media_type="image/jpeg")
    assert part.as_data_url() == f"data:image/jpeg;base64,{b64(JPEG)}"


@pytest.mark.parametrize(
    ("raw", "media_type"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF87, "image/gif"),
        (GIF89, "image/gif"),
        (WEBP, "image/webp"),
    ],
)
def test_image_from_bytes_sniffs_the_type(raw: bytes, media_type: str) -> None:
    assert ImagePart.from_bytes(raw) == ImagePart(data=b64(raw), media_type=media_type)


def test_image_from_bytes_with_explicit_type_and_unknown_bytes() -> None:
    raw = b"BM\x3a\x00\x00\x00"  # a BMP header: not sniffed
    assert ImagePart.from_bytes(raw, "image/bmp").media_type == "image/bmp"
    with pytest.raises(RequestValidationError) as info:
        ImagePart.from_bytes(raw)
    assert info.value.field == "image.media_type"


@pytest.mark.parametrize(
    ("filename", "raw", "media_type"),
    [
        ("pixel.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("old.gif", GIF87, "image/gif"),
        ("anim.gif", GIF89, "image/gif"),
        ("pic.webp", WEBP, "image/webp"),
        # The bytes win over a lying extension.
        ("actually-a-jpeg.png", JPEG, "image/jpeg"),
        ("actually-a-png.gif", PNG, "image/png"),
        ("no-extension", WEBP, "image/webp"),
        # Unknown bytes: the extension decides.
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
    ],
)
def test_image_from_path_detects_the_type(
    tmp_path: Path, filename: str, raw: bytes, media_type: str
) -> None:
    path = tmp_path / filename
    path.write_bytes(raw)

    part = ImagePart.from_path(path, detail="auto")

    assert part == ImagePart(data=b64(raw), media_type=media_type, detail="auto")


def test_image_from_path_accepts_a_str_path_and_an_explicit_type(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(PNG)
    assert ImagePart.from_path(str(path)).media_type == "image/png"
    assert ImagePart.from_path(path, media_type="image/apng").media_type == "image/apng"


@pytest.mark.parametrize(
    ("filename", "raw"),
    [
        ("notes.txt", b"just text"),  # text/plain is not an image
        ("sound.wav", WAVE),  # RIFF but not WEBP
        ("mystery", b"\x00\x01\x02"),
    ],
)
def test_image_from_path_rejects_what_is_not_an_image(
    tmp_path: Path, filename: str, raw: bytes
) -> None:
    path = tmp_path / filename
    path.write_bytes(raw)
    with pytest.raises(RequestValidationError) as info:
        ImagePart.from_path(path)
    assert info.value.field == "image.path"
    assert str(path) in str(info.value)


# -- documents ----------------------------------------------------------------------------


def test_document_from_path_detects_pdf_by_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "report.bin"
    path.write_bytes(PDF)
    assert DocumentPart.from_path(path) == DocumentPart(
        data=b64(PDF), media_type="application/pdf", filename="report.bin"
    )


def test_document_from_path_falls_back_to_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello")
    part = DocumentPart.from_path(path)
    assert part == DocumentPart(data=b64(b"hello"), media_type="text/plain", filename="notes.txt")
    explicit = DocumentPart.from_path(path, media_type="text/markdown")
    assert explicit.media_type == "text/markdown"


def test_document_from_path_without_a_known_type(tmp_path: Path) -> None:
    path = tmp_path / "blob.unknownext"
    path.write_bytes(b"\x00\x01")
    with pytest.raises(RequestValidationError) as info:
        DocumentPart.from_path(path)
    assert info.value.field == "document.path"


def test_document_from_path_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(RequestValidationError) as info:
        DocumentPart.from_path(tmp_path / "missing.pdf")
    assert info.value.field == "document.path"
    assert "missing.pdf" in str(info.value)


def test_document_other_constructors() -> None:
    assert DocumentPart.from_url("https://example.com/a.pdf") == DocumentPart(
        url="https://example.com/a.pdf", media_type="application/pdf"
    )
    assert DocumentPart.from_file_id("file-abc123") == DocumentPart(file_id="file-abc123")
    assert DocumentPart.from_base64(b64(PDF), filename="a.pdf") == DocumentPart(
        data=b64(PDF), media_type="application/pdf", filename="a.pdf"
    )
    assert DocumentPart.from_base64(b64(b"x"), "text/plain").media_type == "text/plain"
    assert DocumentPart.from_file_id("f").type == "document"
