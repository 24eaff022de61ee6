"""An author adds images from the editor: the button, a paste, a drop, a cover; and a reader
sees them, described for the browser, on the post and its card."""

import base64
import re

from playwright.sync_api import expect

from tests.browser.conftest import register
from tests.uploads import images

SEND_AS = """([kind, name, type, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type }));
  const body = document.querySelector("textarea[name=body]");
  body.setSelectionRange(body.value.length, body.value.length);
  const event = kind === "paste"
    ? new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true })
    : new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true });
  body.dispatchEvent(event);
}"""


def _encoded(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_images_from_the_editor(live_server, new_page, page_problems):
    url = live_server.url
    page = new_page()
    register(page, url, "fiona")
    page.goto(url + "/write")
    page.get_by_label("Title").fill("Light over Loch Ness")
    page.get_by_label("Summary").fill("Three pictures from one morning.")
    body = page.get_by_label("Body")
    body.fill("The morning began grey.")
    status = page.locator("[data-upload-status]")

    # The button's file input.
    page.locator("[data-upload-input=body]").set_input_files(
        {"name": "loch.jpg", "mimeType": "image/jpeg", "buffer": images.jpeg_with_gps()}
    )
    expect(status).to_have_text("loch.jpg added.")
    expect(body).to_have_value(
        re.compile(r"grey\.\n\n!\[\]\(/uploads/[0-9a-f]{24}-1200\.jpg\)\n\n$")
    )

    # A paste and a drop.
    page.evaluate(SEND_AS, ["paste", "pasted.png", "image/png", _encoded(images.png((800, 600)))])
    expect(status).to_have_text("pasted.png added.")
    page.evaluate(
        SEND_AS,
        ["drop", "dropped.png", "image/png", _encoded(images.png((500, 400), color=(1, 2, 3)))],
    )
    expect(status).to_have_text("dropped.png added.")
    expect(body).to_have_value(re.compile(r"(!\[\]\(/uploads/[^)]+\)[\s\S]*){3}"))

    # A page named .jpg is refused, and the author is told why.
    page.locator("[data-upload-input=body]").set_input_files(
        {"name": "evil.jpg", "mimeType": "image/jpeg", "buffer": b"<html><script>alert(1)</script>"}
    )
    expect(status).to_contain_text("evil.jpg is an HTML or text document, not an image")
    # Chromium logs the refusal (a 422 answer to the script's request), the one problem here.
    (refusal,) = page_problems.take()
    assert refusal.endswith(
        "/uploads: console: Failed to load resource: the server responded with a status of "
        "422 (UNPROCESSABLE ENTITY)"
    )

    # The cover: uploaded, previewed.
    page.locator("[data-upload-input=cover]").set_input_files(
        {"name": "cover.jpg", "mimeType": "image/jpeg", "buffer": images.noisy_jpeg((1800, 1000))}
    )
    cover = page.get_by_label("Cover image")
    expect(cover).to_have_value(re.compile(r"^/uploads/[0-9a-f]{24}-1800\.jpg$"))
    expect(page.locator("[data-cover-preview]")).to_be_visible()

    page.get_by_role("button", name="Publish").click()
    first = page.locator(".prose img").first
    expect(first).to_have_attribute("srcset", re.compile(r"-480\.webp 480w, .*-1200\.webp 1200w$"))
    expect(first).to_have_attribute("width", "1200")
    expect(first).to_have_attribute("height", "800")
    expect(first).to_have_attribute("loading", "lazy")
    expect(page.locator(".prose img")).to_have_count(3)
    expect(page.locator("figure.cover-post img")).to_have_js_property("complete", True)
    assert page.locator("figure.cover-post img").evaluate("img => img.naturalWidth") > 0

    page.goto(url + "/")
    card_cover = page.locator(".card .cover-card img").first
    expect(card_cover).to_have_attribute("srcset", re.compile(r"-960\.webp 960w"))
