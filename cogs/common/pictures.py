"""Drawing Tandem's pictures with Pillow: shipped fonts, text in any script, PNGs with a text layer.

Names come from members, so they may be in any script or full of emoji. Pillow draws
one font at a time, so text is cut into runs, each drawn with the first shipped font
that has its characters: DejaVu Sans (Latin, Greek, Cyrillic, Armenian, Georgian,
Hebrew, Arabic and many symbols), Noto Sans for the scripts of South and South-East
Asia and Ethiopia, Droid Sans Fallback (Chinese, Japanese), Nanum Gothic (Korean) and
Noto Color Emoji (drawn in colour at its one bitmap size, then scaled). Runs are laid
out with Raqm where Pillow has it, so joined and right-to-left scripts read right. A character none of them has is drawn
as a neutral dot, never as a box. The fonts ship in `fonts/` beside this module, with
their licences; nothing is fetched at run time.

Every picture is posted as a PNG that carries, in a text chunk, the values it drew
(`TEXT_LAYER`): what a screen reader, a test or a moderator can read without the pixels.

Discord shows a picture about 400 px wide on a phone, so pictures are drawn on a
`Canvas` twice that wide (sharp on dense screens) and no text on them is smaller than
11 px once shown there; the PNG records its layout (its width, each text's pixel
height) beside its values, so anyone can check that from the file alone.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import json
import struct
import unicodedata
import zlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import discord
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

from bot.app import TandemBot
from bot.i18n import _
from cogs.common.threads import guild_member

FONTS = Path(__file__).resolve().parent / "fonts"
# The scripts DejaVu Sans lacks, each in its Noto Sans face, then Chinese and Japanese,
# then Korean: a character is drawn with the first font that has it.
NOTO_SCRIPTS = (
    "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Telugu", "Kannada",
    "Malayalam", "Sinhala", "Thai", "Lao", "Khmer", "Myanmar", "Ethiopic",
)  # fmt: skip
SCRIPT_FONTS = (
    *(f"NotoSans{script}-Regular.ttf" for script in NOTO_SCRIPTS),
    "DroidSansFallbackFull.ttf",
    "NanumGothic.ttf",
)
TEXT_FONTS = ("DejaVuSans.ttf", *SCRIPT_FONTS)
BOLD_FONTS = ("DejaVuSans-Bold.ttf", *SCRIPT_FONTS)
EMOJI_FONT = "NotoColorEmoji.ttf"
EMOJI_BITMAP_SIZE = 109  # the one size of Noto Color Emoji's bitmaps
MISSING_GLYPH = "·"
EMOJI_TILES = 256
CHARACTERS_KNOWN = 4096
WIDTHS_KNOWN = 1024
TEXT_LAYER = "tandem"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_RGB = 2  # the colour type of 8-bit red, green, blue samples
RGB_BYTES = 3
# zlib's level 2: as fast as 1 on these cards and a few kilobytes smaller.
DEFLATE_LEVEL = 2
# Joiners and selectors belong to the character before them: they never start a run.
_JOINING = {0x200D, 0xFE0E, 0xFE0F, 0x20E3}
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}  # controls and the like are left out

# A phone shows a picture this many pixels wide; pictures are drawn at `SCALE` times that.
PHONE_WIDTH = 400
SCALE = 2
PICTURE_WIDTH = PHONE_WIDTH * SCALE
SMALLEST_TEXT = 11 * SCALE  # pixels tall as drawn: 11 px on a phone

T = TypeVar("T")
_DRAWING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tandem-pictures")


@dataclass(frozen=True)
class Theme:
    """An opaque card, so it reads the same on Discord's dark and light themes."""

    background: tuple[int, int, int] = (32, 34, 40)
    panel: tuple[int, int, int] = (46, 49, 57)
    text: tuple[int, int, int] = (242, 243, 245)
    muted: tuple[int, int, int] = (170, 175, 186)
    accent: tuple[int, int, int] = (88, 101, 242)
    good: tuple[int, int, int] = (67, 181, 129)
    warn: tuple[int, int, int] = (240, 178, 50)
    bad: tuple[int, int, int] = (237, 66, 69)
    empty: tuple[int, int, int] = (64, 68, 78)
    faint: tuple[int, int, int] = (40, 42, 49)
    off: tuple[int, int, int] = (52, 56, 66)
    voice: tuple[int, int, int] = (177, 94, 222)  # purple, apart from the accent's blue


THEME = Theme()


@cache
def _codepoints(name: str) -> frozenset[int]:
    font = TTFont(FONTS / name, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


def _is_emoji(char: str) -> bool:
    return ord(char) >= 0x1F000 or unicodedata.category(char) == "So"


def runs(text: str, fonts: tuple[str, ...]) -> list[tuple[str | None, str]]:
    """The text cut into (font, characters) runs; `None` is the emoji font."""
    found: list[tuple[str | None, str]] = []
    for char in text:
        code = ord(char)
        if unicodedata.category(char) in _INVISIBLE and code not in _JOINING:
            continue
        if found and (code in _JOINING or unicodedata.combining(char)):
            found[-1] = (found[-1][0], found[-1][1] + char)
            continue
        chosen, shown = _font_for(char, fonts)
        if found and found[-1][0] == chosen:
            found[-1] = (chosen, found[-1][1] + shown)
        else:
            found.append((chosen, shown))
    return found


# A character's font is looked up once: a picture's lines hold about a thousand
# characters, and each lookup tests up to twenty fonts.
@lru_cache(maxsize=CHARACTERS_KNOWN)
def _font_for(char: str, fonts: tuple[str, ...]) -> tuple[str | None, str]:
    """The font that draws `char` (None: the emoji font), and what it draws for it."""
    code = ord(char)
    if _is_emoji(char) and code in _codepoints(EMOJI_FONT):
        return None, char
    chosen = next((name for name in fonts if code in _codepoints(name)), None)
    return (chosen, char) if chosen else (fonts[0], MISSING_GLYPH)


@lru_cache(maxsize=EMOJI_TILES)
def _emoji(text: str, size: int) -> Image.Image:
    """An emoji run drawn in colour and scaled to `size` pixels high.

    The tiles last drawn are kept: names repeat from one picture to the next, and a
    bounded cache keeps memory flat however many different emoji members choose.
    """
    big = font(EMOJI_FONT, EMOJI_BITMAP_SIZE)
    left, top, right, bottom = (round(edge) for edge in big.getbbox(text))
    tile = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)))
    ImageDraw.Draw(tile).text((-left, -top), text, font=big, embedded_color=True)
    scale = size / EMOJI_BITMAP_SIZE
    return tile.resize(
        (max(1, round(tile.width * scale)), max(1, round(tile.height * scale))),
        Image.Resampling.LANCZOS,
    )


@lru_cache(maxsize=WIDTHS_KNOWN)  # labels and figures recur from picture to picture
def text_width(text: str, size: int, *, bold: bool = False) -> int:
    fonts = BOLD_FONTS if bold else TEXT_FONTS
    return sum(
        _emoji(part, size).width if name is None else round(font(name, size).getlength(part))
        for name, part in runs(text, fonts)
    )


def fitted(text: str, size: int, width: int, *, bold: bool = False) -> str:
    """The text, cut with an ellipsis so it fits `width` pixels."""
    if text_width(text, size, bold=bold) <= width:
        return text
    while text and text_width(text + "…", size, bold=bold) > width:
        text = text[:-1]
    return text + "…"


def in_two_lines(text: str, size: int, width: int) -> list[str]:
    """The text on one line, or split between words where the two halves are most even
    (many languages say in more room what English says in little, and a large server's
    counts are long), each cut only if even that does not fit."""
    if text_width(text, size) <= width or " " not in text:
        return [fitted(text, size, width)]
    words = text.split(" ")
    # A break beside a separator drops it: no line starts or ends with " · ".
    halves = [
        (" ".join(words[:cut]).removesuffix(" ·"), " ".join(words[cut:]).removeprefix("· "))
        for cut in range(1, len(words))
    ]
    first, second = min(halves, key=lambda pair: max(text_width(part, size) for part in pair))
    return [fitted(first, size, width), fitted(second, size, width)]


def draw_text(
    image: Image.Image,
    at: tuple[int, int],
    text: str,
    size: int,
    colour: tuple[int, int, int],
    *,
    bold: bool = False,
) -> int:
    """Draw one line from its top-left corner, script by script; returns its width."""
    draw = ImageDraw.Draw(image)
    x, y = at
    for name, part in runs(text, BOLD_FONTS if bold else TEXT_FONTS):
        if name is None:
            tile = _emoji(part, size)
            image.paste(tile, (x, y + (size - tile.height) // 2 + size // 8), tile)
            x += tile.width
            continue
        face = font(name, size)
        draw.text((x, y), part, font=face, fill=colour)
        x += round(face.getlength(part))
    return x - at[0]


def png(image: Image.Image, drawn: Mapping[str, Any]) -> bytes:
    """The picture (RGB) as PNG bytes, with the values it drew in its text layer.

    Written here rather than by Pillow, which chooses a filter for every row: on these
    flat cards that took 11 ms of the health view's 19, where rows left unfiltered at a
    fast deflate level take about 6 ms and make a smaller file.
    """
    if image.mode != "RGB":
        raise ValueError(f"pictures are RGB, not {image.mode}")
    width, height = image.size
    pixels = image.tobytes()
    row = width * RGB_BYTES
    # Each row opens with its filter type: 0, none.
    rows = b"".join(b"\0" + pixels[start : start + row] for start in range(0, len(pixels), row))
    image.close()
    # The text layer as an iTXt chunk, as Pillow writes one: uncompressed, no language.
    layer = json.dumps(drawn, ensure_ascii=False, sort_keys=True).encode()
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, PNG_RGB, 0, 0, 0)),
            _chunk(b"iTXt", TEXT_LAYER.encode("latin-1") + b"\0\0\0\0\0" + layer),
            _chunk(b"IDAT", zlib.compress(rows, DEFLATE_LEVEL)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: its length, type, data and the CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


class Canvas:
    """A picture `PICTURE_WIDTH` pixels wide, on Tandem's opaque panel, whose text is all
    drawn through `text`: each text's height is recorded for the PNG's `layout`, and a
    size too small to read on a phone is refused as it is drawn."""

    def __init__(self, height: int) -> None:
        self.image = Image.new("RGB", (PICTURE_WIDTH, height), THEME.background)
        self.draw = ImageDraw.Draw(self.image)
        self.draw.rounded_rectangle(
            (8, 8, PICTURE_WIDTH - 8, height - 8), radius=12 * SCALE, fill=THEME.panel
        )
        self._texts: list[dict[str, Any]] = []

    def text(
        self,
        at: tuple[int, int],
        text: str,
        size: int,
        colour: tuple[int, int, int],
        *,
        bold: bool = False,
    ) -> int:
        """Draw one line (see `draw_text`); returns its width."""
        if size < SMALLEST_TEXT:
            raise ValueError(f"{size} px text would be unreadable on a phone: {text!r}")
        self._texts.append({"text": text, "px": size})
        return draw_text(self.image, at, text, size, colour, bold=bold)

    def png(self, drawn: Mapping[str, Any]) -> bytes:
        """The picture with its values and its layout in the PNG's text layer."""
        layout = {"width": self.image.width, "height": self.image.height, "texts": self._texts}
        return png(self.image, {**drawn, "layout": layout})


async def drawn_in_thread(draw: Callable[[], T]) -> T:
    """Pictures are drawn off the event loop, so the bot keeps answering meanwhile, and
    one at a time on one worker: the shared FreeType faces are not safe across threads.

    The worker runs in a copy of the caller's context, so a picture's words come out in
    the language of whoever will read it (`bot.i18n`'s current language)."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(_DRAWING, context.run, draw)


def picture_file(data: bytes, filename: str) -> discord.File:
    return discord.File(io.BytesIO(data), filename=filename)


async def display_name(bot: TandemBot, guild_id: int, user_id: int) -> str:
    """How a member is shown in a picture (a mention cannot be drawn)."""
    member = await guild_member(bot, guild_id, user_id)
    return member.display_name if member else _("A former member")
