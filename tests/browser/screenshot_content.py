"""What the screenshots show beyond the seed's demo content: posts with cover images (pictures
drawn here with Pillow), a long post with a table of contents and an edit (so a revision), and a
scheduled post, all written by the demo author in the editor, as a person would."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw, ImageFilter
from playwright.sync_api import expect

from tests.browser.conftest import PageProblems, sign_in

DEMO_PASSWORD = "demo-password"

DUSK = {"sky": ((255, 183, 120), (96, 72, 150)), "hills": ((64, 62, 112), (36, 36, 74))}
MORNING = {"sky": ((255, 226, 168), (110, 170, 210)), "hills": ((76, 128, 104), (44, 86, 70))}
WINTER = {"sky": ((236, 240, 250), (120, 150, 196)), "hills": ((200, 210, 228), (140, 156, 186))}


def landscape(sky, hills, size=(1600, 900)) -> bytes:
    """A JPEG of a sky in a gradient, a sun and two rows of hills."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    high, low = sky
    for y in range(height):
        share = y / (height - 1)
        colour = tuple(round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    radius = height // 8
    centre = (width * 0.66, height * 0.4)
    draw.ellipse(
        [centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius],
        fill=(255, 244, 214),
    )
    for row, colour in enumerate(hills):
        base = height * (0.6 + 0.16 * row)
        crests = [
            (width * step / 8, base - height * 0.11 * (((step * (3 + row)) % 5) / 4))
            for step in range(9)
        ]
        draw.polygon([(0, height), *crests, (width, height)], fill=colour)
    out = io.BytesIO()
    image.filter(ImageFilter.GaussianBlur(3)).save(out, "JPEG", quality=88)
    return out.getvalue()


LONG_TITLE = "Five days on the West Highland Way"
LONG_BODY = """Ninety-six miles from the edge of Glasgow to Fort William, with a pack that was too \
heavy on the first morning and just right by the last. These are the notes I wrote each evening, \
tidied a little, for anyone planning the walk this year.

## Milngavie to Drymen

The way starts in a shopping precinct, which is the least romantic beginning a long walk could \
have, and within an hour you are in birch woods with the town gone behind you. The path is wide \
and kind here. I walked too fast, as everyone does on the first day, and paid for it in the last \
three miles along the old railway line into Drymen. Dinner was soup, bread and an early night.

## Along Loch Lomond

Conic Hill is the first real climb and the first real view: the whole loch laid out with its \
islands, boats drawing white lines across the water. After Rowardennan the path narrows into roots \
and rocks along the shore, slow going but never dull. I counted three herons and lost count of the \
waterfalls. Carry more water than you think; the shops are far apart.

- Start early: the shore path is busiest after ten.
- The ferry at Inversnaid runs until late afternoon.
- Midges arrive the moment you stop walking.

## Rannoch Moor

This is the day people warn you about, and they are right to. Twelve miles of open moor with no \
shelter, the old military road running straight across it, lochans on either side reflecting \
whatever the sky is doing. We had rain, then sun, then hail, then sun again, all before lunch. It \
was the best day of the walk.

> The moor doesn't care whether you cross it. That is what makes crossing it feel like something.

## The Devil's Staircase

The name is worse than the climb. It zig-zags up from Glencoe to the highest point of the way, and \
from the top you can see the Mamores waiting for tomorrow. The descent to Kinlochleven is long and \
hard on the knees; poles help. The town has a good chip shop and a climbing wall in an old \
aluminium works, which tells you a lot about the place.

## Into Fort William

The last day climbs out of Kinlochleven into the Lairig Mor, a wide empty valley that seems to go \
on for ever, before the forest above Glen Nevis and the long walk down into town. Ben Nevis hid in \
cloud the whole time. The official end is a statue of a man rubbing his sore feet, which felt right.

## What I would pack again

Less than I took. Two shirts, one warm layer, a good waterproof, a small first-aid kit and a paper \
map even though the path is waymarked all the way. The single best thing I carried was a flask: a \
hot drink on Rannoch Moor is worth its weight several times over."""

EDITED_BODY = LONG_BODY.replace("I walked too fast", "I walked far too fast").replace(
    "Carry more water than you think; the shops are far apart.",
    "Carry more water than you think: the shops are far apart, and the shore has no taps.",
)


@dataclass
class Studio:
    """Addresses of what the demo author wrote for the screenshots."""

    long_post: str
    revision: str


def _write(page, url: str, title: str, summary: str, body: str, tags: str, cover: bytes) -> None:
    page.goto(url + "/write")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Body").fill(body)
    page.get_by_label("Tags").fill(tags)
    page.locator("[data-upload-input=cover]").set_input_files(
        {"name": "cover.jpg", "mimeType": "image/jpeg", "buffer": cover}
    )
    expect(page.get_by_label("Cover image")).to_have_value(re.compile(r"^/uploads/"))


def build_studio(browser, url: str) -> Studio:
    problems = PageProblems()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    problems.watch(context)
    page = context.new_page()
    try:
        sign_in(page, url, "demo1", DEMO_PASSWORD)
        _write(
            page,
            url,
            "Winter light on the Cairngorms",
            "Short days, long shadows and a flask of tea on the plateau.",
            "Notes from a walk planned for the first clear day of the year.",
            "walking, mountains",
            landscape(**WINTER),
        )
        when = datetime.now(UTC) + timedelta(days=3)
        page.get_by_label("Publish at").fill(when.strftime("%Y-%m-%dT09:30"))
        page.get_by_role("button", name="Schedule", exact=True).click()
        expect(page.locator(".notice-scheduled")).to_contain_text("Scheduled for")

        _write(
            page,
            url,
            "Morning coffee at the bothy",
            "Why the best cup of the trip is always the one brewed on a camping stove.",
            "Water from the burn, a stove that roars, and twenty quiet minutes.",
            "coffee, walking",
            landscape(**MORNING),
        )
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.locator(".flash")).to_be_visible()

        _write(
            page,
            url,
            LONG_TITLE,
            "Ninety-six miles, four seasons of weather and one very good flask.",
            LONG_BODY,
            "walking, travel, scotland",
            landscape(**DUSK),
        )
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.locator(".post-header h1")).to_have_text(LONG_TITLE)
        long_post = page.url.removeprefix(url)

        page.get_by_role("link", name="Edit", exact=True).click()
        page.get_by_label("Body").fill(EDITED_BODY)
        page.get_by_label("Tags").fill("walking, travel, scotland, long walks")
        page.get_by_role("button", name="Update").click()
        page.get_by_role("link", name="History", exact=True).click()
        page.locator(".revision-item-title").first.click()
        expect(page.locator(".diff-added ins").first).to_be_visible()
        revision = page.url.removeprefix(url)
    finally:
        found = problems.take()
        context.close()
    assert found == [], "the browser reported problems:\n" + "\n".join(found)
    return Studio(long_post=long_post, revision=revision)
