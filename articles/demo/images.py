"""Abstract illustrations drawn locally with Pillow, so the demo has images without fetching any."""

import hashlib
import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ((18, 52, 86), (230, 126, 34)),
    ((20, 90, 80), (241, 196, 15)),
    ((74, 35, 90), (236, 112, 99)),
    ((33, 47, 61), (93, 173, 226)),
    ((120, 40, 31), (245, 176, 65)),
    ((14, 98, 81), (171, 235, 198)),
    ((44, 62, 80), (231, 76, 60)),
    ((81, 46, 95), (72, 201, 176)),
]


def _rng(seed):
    return random.Random(int(hashlib.sha256(seed.encode()).hexdigest(), 16))


def _blend(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def illustration(seed, size=(1200, 675)):
    """A JPEG of soft shapes over a gradient, the same for the same seed."""
    rng = _rng(seed)
    dark, light = rng.choice(PALETTES)
    width, height = size
    image = Image.new("RGB", size, dark)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_blend(dark, _blend(dark, light, 0.45), y / height))
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for _ in range(rng.randint(5, 9)):
        radius = rng.randint(height // 8, height // 2)
        x, y = rng.randint(0, width), rng.randint(0, height)
        colour = _blend(light, (255, 255, 255), rng.random() * 0.5) + (rng.randint(50, 120),)
        if rng.random() < 0.6:
            shapes.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
        else:
            shapes.rectangle([x - radius, y - radius // 3, x + radius, y + radius // 3], fill=colour)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    return _jpeg(image, f"{seed}.jpg")


def portrait(name, seed, size=240):
    """A square JPEG with the author's initials on a colour of their own."""
    rng = _rng(seed)
    dark, light = rng.choice(PALETTES)
    image = Image.new("RGB", (size, size), dark)
    draw = ImageDraw.Draw(image)
    draw.ellipse([size * 0.1, size * 0.1, size * 0.9, size * 0.9], fill=_blend(dark, light, 0.35))
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    return _jpeg(image, f"{seed}.jpg")


def _jpeg(image, name):
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=name)
