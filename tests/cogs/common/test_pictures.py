"""Drawing names in any script: which shipped font draws what, and the PNG text layer."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from cogs.common.pictures import (
    MISSING_GLYPH,
    TEXT_FONTS,
    TEXT_LAYER,
    Canvas,
    draw_text,
    fitted,
    png,
    runs,
    text_width,
)


def test_each_script_is_drawn_by_a_font_that_has_it() -> None:
    assert runs("Ana 李 😀👩‍💻!", TEXT_FONTS) == [
        ("DejaVuSans.ttf", "Ana "),
        ("DroidSansFallbackFull.ttf", "李"),
        ("DejaVuSans.ttf", " "),
        (None, "😀👩\u200d💻"),  # the emoji font, a joined sequence kept whole
        ("DejaVuSans.ttf", "!"),
    ]


def test_scripts_beyond_latin_each_have_a_shipped_font() -> None:
    fonts = {
        text: [name for name, _ in runs(text, TEXT_FONTS)] for text in ("김치", "प्रिया", "ไทย")
    }
    assert fonts == {
        "김치": ["NanumGothic.ttf"],
        "प्रिया": ["NotoSansDevanagari-Regular.ttf"],  # with its vowel signs, one run
        "ไทย": ["NotoSansThai-Regular.ttf"],
    }


def test_characters_no_font_has_become_a_dot_and_controls_vanish() -> None:
    linear_a = "\U00010600"  # a script none of the shipped fonts covers
    assert runs(f"a{linear_a}\x00\u202eb", TEXT_FONTS) == [("DejaVuSans.ttf", f"a{MISSING_GLYPH}b")]


def test_long_names_are_cut_to_fit_and_drawn_in_colour() -> None:
    name = "Maximiliane von Habsburg-Lothringen 😀"
    cut = fitted(name, 20, 150)
    assert cut.endswith("…") and text_width(cut, 20) <= 150 < text_width(name, 20)
    assert fitted("Ana", 20, 150) == "Ana"
    image = Image.new("RGB", (200, 40))
    draw_text(image, (0, 5), "😀", 24, (255, 255, 255))
    colours = {image.getpixel((x, y)) for x in range(30) for y in range(40)}
    assert any(r != g or g != b for r, g, b in colours)  # the emoji kept its colours


def test_the_png_keeps_what_it_drew() -> None:
    data = png(Image.new("RGB", (10, 10)), {"name": "李 😀", "streak": 3})
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert json.loads(image.text[TEXT_LAYER]) == {"name": "李 😀", "streak": 3}  # type: ignore[attr-defined]


def test_a_canvas_records_its_layout_and_refuses_text_too_small_for_a_phone() -> None:
    """Drawn 800 px wide and shown 400 px wide, text must be at least 22 px as drawn."""
    canvas = Canvas(100)
    canvas.text((10, 10), "Weekly recap", 22, (255, 255, 255))
    with pytest.raises(ValueError, match="unreadable on a phone"):
        canvas.text((10, 50), "legend", 14, (255, 255, 255))
    image = Image.open(io.BytesIO(canvas.png({"streak": 3})))
    assert json.loads(image.text[TEXT_LAYER]) == {  # type: ignore[attr-defined]
        "streak": 3,
        "layout": {"width": 800, "height": 100, "texts": [{"text": "Weekly recap", "px": 22}]},
    }
