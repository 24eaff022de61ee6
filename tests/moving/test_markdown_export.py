"""The Markdown export, ``flask blog export-markdown DIR``, and an author's download of their own
posts (``GET /settings/export``), read back from one small blog exported once for the module.

The blog: alice's posts (tags, a cover upload and a cover elsewhere, images in the body as
Markdown, raw HTML and a reference, examples in code that must stay as written, an upload the
storage lost, a title, a tag and a description that break naive YAML, emoji and CJK, drafts
whose titles collide with each other and with a published slug, a post scheduled for later),
bob's post and draft, and an admin's pages. Everything is done while the module's blog exists
and kept as plain data (files, answers), so the tests only read it. No Hugo or Zola is run: the
tests check what both read, as ``docs/moving.md`` describes it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from blog.domain import pages, posts, uploads
from blog.domain.slugs import base_slug, is_private_slug
from blog.models import utcnow
from blog.moving.markdown import export as markdown_export
from blog.uploads.storage import LocalStorage
from tests.factories import UserFactory
from tests.helpers import sign_in_without_the_form
from tests.uploads import images

SITE = "https://blog.example.com"
ABSENT = "/uploads/" + "0" * 24 + "-800.jpg"
"""An upload's address whose file no storage holds."""
CAT = "https://example.org/cat.png"
ELSEWHERE_COVER = "https://images.example.org/cover.jpg"
HOSTILE_TITLE = "Re: \"Quotes\" & 'apostrophes' #1 ---"
HOSTILE_TAG = 'yaml: "edge" cases'
HOSTILE_DESCRIPTION = "Line one: a colon\n---\n- not a list item"
EMOJI_TITLE = "🎉 日本語のタイトル: 絵文字"
HOSTILE_BODY = """An image ![a diagram]({body}) and [the full size]({body}).

![a cat]({cat})

<img src="{html}" alt="raw HTML">

```markdown
![an example, not an image]({example})
```

A code span: `![also an example]({example})`, and ![by reference][ref].

[ref]: {html}

Gone: ![gone]({absent})

---

After a rule: a line of dashes in a body is the body's."""
"""Filled with the uploads' addresses for the post, and with their file names for the export."""

POSTS = "content/posts"
SECTION = f"{POSTS}/_index.md"
BATCH = 3
"""Posts read at a time during the module's exports: fewer than there are, so several reads."""


def split(document: bytes) -> tuple[str, str]:
    """The front matter's text and what follows its closing fence."""
    text = document.decode()
    assert text.startswith("---\n"), text[:40]
    end = text.index("\n---\n")
    return text[4 : end + 1], text[end + 5 :]


def front_matter(document: bytes) -> dict:
    return yaml.safe_load(split(document)[0])


def body_of(document: bytes) -> str:
    rest = split(document)[1]
    if not rest:
        return ""
    assert rest.startswith("\n") and rest.endswith("\n"), rest
    return rest[1:-1]


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def to_the_second(moment):
    return moment.replace(microsecond=0)


def dates(row, *, dated: bool = True) -> dict:
    edited = to_the_second(row.updated_at)
    published = {"date": to_the_second(row.published_at)} if dated else {}
    return {**published, "lastmod": edited, "updated": edited}


def by(username: str) -> dict:
    return {"author": username, "authors": [username]}


def tagged(*names: str) -> dict:
    return {"tags": list(names), "taxonomies": {"tags": list(names)}}


@dataclass
class Exported:
    files: dict[str, bytes] = field(default_factory=dict)
    """The export of the whole blog: each file's path and bytes."""
    output: list[str] = field(default_factory=list)
    exit_code: int = -1
    expected: dict[str, tuple[dict, str]] = field(default_factory=dict)
    """Each exported folder: the exact front matter and body of its ``index.md``."""
    images: dict[str, set[str]] = field(default_factory=dict)
    """Each folder's copied images."""
    served: dict[str, bytes] = field(default_factory=dict)
    """What the blog serves at ``/uploads/<name>``, for each file the export should copy."""
    authors: dict[str, set[str]] = field(default_factory=dict)
    """Each author's folders."""
    hostile: str = ""
    scheduled: str = ""
    """The folders of the post with the upload the storage lost, and of the scheduled post."""
    warning: str = ""
    """What the export says of the upload the storage lost."""
    summary: str = ""
    """Its last line."""
    refused: tuple[int, str, dict[str, bytes]] = (-1, "", {})
    """Into a folder holding a file: the exit code, the output, the folder afterwards."""
    forced: tuple[int, dict[str, bytes]] = (-1, {})
    """The same with ``--force``."""
    from_local_storage: dict[str, bytes] = field(default_factory=dict)
    """The export again, with the uploads' files in a folder rather than the database."""
    downloads: dict[str, dict] = field(default_factory=dict)
    """``GET /settings/export`` (and the settings page) for alice, bob and anonymous."""


def _upload(owner, number: int):
    colour = (number * 40 % 256, number * 90 % 256, number * 150 % 256)
    return uploads.save_upload(owner, io.BytesIO(images.png(size=(48, 32), color=colour)))


def _write_blog(out: Exported) -> dict:
    """The blog, and in ``out`` what its export must hold; the accounts, by name."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    ada = UserFactory(username="ada", is_admin=True)
    body_image, html_image, cover, world = (_upload(alice, n) for n in range(1, 5))
    team = _upload(ada, 5)
    url, name = uploads.upload_url, uploads.original_name

    idea_draft = posts.create_post(alice, title="Ideas", body="Draft.", description="First")
    hostile = posts.create_post(
        alice,
        title=HOSTILE_TITLE,
        description=HOSTILE_DESCRIPTION,
        body=HOSTILE_BODY.format(
            body=url(body_image),
            html=url(html_image),
            example=url(body_image),
            cat=CAT,
            absent=ABSENT,
        ),
        tags=["yaml", HOSTILE_TAG],
        publish=True,
        cover_image=url(cover),
    )
    emoji = posts.create_post(
        alice,
        title=EMOJI_TITLE,
        description="絵文字 🎉",
        body=f"こんにちは 🌏\n\n![the world]({SITE}{url(world)})",
        tags=["日本語", "emoji"],
        publish=True,
        cover_image=ELSEWHERE_COVER,
    )
    ideas = posts.create_post(alice, title="Ideas", body="Ideas.", description="Out", publish=True)
    idea_draft_again = posts.create_post(alice, title="Ideas", body="More.", description="Again")
    scheduled = posts.create_post(
        alice,
        title="Coming soon",
        body="Soon.",
        description="A date ahead",
        tags=["soon"],
        publish_at=utcnow() + timedelta(days=10),
    )
    bob_post = posts.create_post(
        bob, title="Bob's post", body="Bob.", description="B", publish=True
    )
    bob_draft = posts.create_post(bob, title="Bob's secret draft", body="Shh.", description="S")
    about = pages.create_page(
        ada,
        title='About: "us"',
        body=f"Who we are.\n\n![the team]({url(team)})",
        publish=True,
        in_navigation=True,
        navigation_position=2,
    )
    soon = pages.create_page(ada, title="Soon", body="Later.")
    assert ideas.slug == "ideas" and not is_private_slug(scheduled.slug)

    def post(row, folder, fields, body, *copied):
        out.expected[f"{POSTS}/{folder}"] = (
            {"title": row.title, "slug": folder, **fields, **by(row.author.username)},
            body,
        )
        out.images[f"{POSTS}/{folder}"] = {name(upload) for upload in copied}
        out.authors.setdefault(row.author.username, set()).add(f"{POSTS}/{folder}")

    def draft(row, description: str) -> dict:
        return {**dates(row, dated=False), "draft": True, "description": description, **tagged()}

    def public(row, description: str, *tags: str) -> dict:
        return {**dates(row), "draft": False, "description": description, **tagged(*tags)}

    post(idea_draft, "ideas-2", draft(idea_draft, "First"), "Draft.")
    post(
        hostile,
        hostile.slug,
        {
            **public(hostile, HOSTILE_DESCRIPTION, "yaml", HOSTILE_TAG),
            "images": [name(cover)],
            "extra": {"cover_image": name(cover)},
        },
        HOSTILE_BODY.format(
            body=name(body_image),
            html=name(html_image),
            example=url(body_image),
            cat=CAT,
            absent=ABSENT,
        ),
        body_image,
        html_image,
        cover,
    )
    post(
        emoji,
        emoji.slug,
        {
            **public(emoji, "絵文字 🎉", "日本語", "emoji"),
            "images": [ELSEWHERE_COVER],
            "extra": {"cover_image": ELSEWHERE_COVER},
        },
        f"こんにちは 🌏\n\n![the world]({name(world)})",
        world,
    )
    post(ideas, "ideas", public(ideas, "Out"), "Ideas.")
    post(idea_draft_again, "ideas-3", draft(idea_draft_again, "Again"), "More.")
    soon_fields = {**public(scheduled, "A date ahead", "soon"), "draft": True}
    post(scheduled, scheduled.slug, soon_fields, "Soon.")
    post(bob_post, bob_post.slug, public(bob_post, "B"), "Bob.")
    post(bob_draft, base_slug(bob_draft.title), draft(bob_draft, "S"), "Shh.")
    out.expected[f"content/{about.slug}"] = (
        {
            "title": 'About: "us"',
            "slug": about.slug,
            **dates(about, dated=False),
            "draft": False,
            **by("ada"),
            "menus": ["main"],
            "weight": 2,
        },
        f"Who we are.\n\n![the team]({name(team)})",
    )
    out.images[f"content/{about.slug}"] = {name(team)}
    out.expected[f"content/{soon.slug}"] = (
        {
            "title": "Soon",
            "slug": soon.slug,
            **dates(soon, dated=False),
            "draft": True,
            **by("ada"),
        },
        "Later.",
    )
    out.images[f"content/{soon.slug}"] = set()
    out.hostile, out.scheduled = f"{POSTS}/{hostile.slug}", f"{POSTS}/{scheduled.slug}"
    out.warning = (
        f"warning: {POSTS}/{hostile.slug}/index.md shows {ABSENT}, which the storage doesn't "
        "hold: its address is left as it was"
    )
    return {"alice": alice, "bob": bob}


def _export(app, *args) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["blog", "export-markdown", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _download(app, user) -> dict:
    client = app.test_client()
    if user is not None:
        sign_in_without_the_form(client, user)
    with client.get("/settings/export") as response:
        return {
            "status": response.status_code,
            "headers": dict(response.headers),
            "data": response.get_data(),
            "settings": client.get("/settings").get_data(as_text=True) if user else "",
        }


@pytest.fixture(scope="module")
def exported(shared_app, tmp_path_factory) -> Exported:
    out = Exported()
    folders = tmp_path_factory.mktemp("markdown")
    with shared_app.fresh() as app, pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_export, "BATCH", BATCH)
        app.config["SITE_URL"] = SITE  # put back when fresh() ends, as the storage below
        accounts = _write_blog(out)
        reader = app.test_client()
        for name in set().union(*out.images.values()):
            out.served[name] = reader.get(f"/uploads/{name}").data

        whole = folders / "new" / "export"  # made by the export
        out.exit_code, output = _export(app, whole)
        out.output, out.files = output.splitlines(), tree(whole)
        out.summary = (
            "Exported 8 posts, 2 pages and 5 images (1 missing from the storage, left as links) "
            f"into {whole}."
        )

        busy = folders / "busy"
        busy.mkdir()
        (busy / "notes.txt").write_text("mine")
        out.refused = (*_export(app, busy), tree(busy))
        out.forced = (_export(app, busy, "--force")[0], tree(busy))

        for role in ("alice", "bob", None):
            out.downloads[role or "anonymous"] = _download(app, accounts.get(role))

        local = LocalStorage(str(folders / "uploads"))
        for name, data in out.served.items():
            local.put(name, data, "image/png")
        app.config.update(UPLOAD_STORAGE="local", UPLOAD_FOLDER=str(folders / "uploads"))
        _export(app, folders / "local")
        out.from_local_storage = tree(folders / "local")
    return out


# ---- The export of the whole blog ------------------------------------------------------------


def test_the_export_says_each_file_it_wrote_and_what_it_could_not_copy(exported):
    assert exported.exit_code == 0, exported.output
    *written, summary = exported.output
    assert sorted(written) == sorted([*exported.files, exported.warning])
    assert summary == exported.summary


def test_the_layout_is_the_documented_one(exported):
    expected = {SECTION}
    for folder in exported.expected:
        expected |= {f"{folder}/index.md"} | {f"{folder}/{n}" for n in exported.images[folder]}
    assert sorted(exported.files) == sorted(expected)


def test_each_front_matter_parses_to_exactly_its_fields(exported):
    assert front_matter(exported.files[SECTION]) == {"title": "Posts", "sort_by": "date"}
    assert body_of(exported.files[SECTION]) == ""
    for folder, (fields, _) in exported.expected.items():
        assert front_matter(exported.files[f"{folder}/index.md"]) == fields, folder


def test_zola_finds_the_same_front_matter_as_hugo(exported):
    """Zola ends the front matter at the first ``---`` that ends a line, anywhere (its split's
    expression, below): no value may hold one, whatever the title or description says."""
    zola = re.compile(r"^\s*---(\r?\n(?s:.*?))---\s*(?:$|\r?\n((?s:.*))$)")
    for path, document in exported.files.items():
        if path.endswith(".md"):
            header, rest = split(document)
            assert not any(line.endswith("---") for line in header.splitlines()), path
            found = zola.match(document.decode())
            assert yaml.safe_load(found[1]) == yaml.safe_load(header), path
            assert (found[2] or "").strip() == rest.strip(), path


def test_each_body_is_its_source_with_our_images_named_by_their_copies(exported):
    """External addresses, code examples and the upload the storage lost stay as written."""
    for folder, (_, body) in exported.expected.items():
        assert body_of(exported.files[f"{folder}/index.md"]) == body, folder


IMG_SRC = re.compile(r'<img\b[^>]*\ssrc="([^"]+)"')


def _addresses(document: bytes) -> list[str]:
    """Every image and link address a reader's Markdown finds in a file, and its covers."""
    found = []
    for token in MarkdownIt("commonmark").parse(body_of(document)):
        if token.type == "html_block":
            found += IMG_SRC.findall(token.content)
        for child in token.children or ():
            found += [child.attrs[a] for a in ("src", "href") if a in child.attrs]
    fields = front_matter(document)
    return found + fields.get("images", []) + [fields.get("extra", {}).get("cover_image")]


def test_every_image_and_cover_is_a_file_beside_it_identical_to_the_upload(exported):
    for folder, copied in exported.images.items():
        addresses = [a for a in _addresses(exported.files[f"{folder}/index.md"]) if a]
        relative = {a for a in addresses if not re.match(r"[a-z]+:|/", a)}
        assert relative == copied, folder
        for name in relative:
            assert exported.files[f"{folder}/{name}"] == exported.served[name], (folder, name)
        ours = [a for a in addresses if "/uploads/" in a]
        assert ours == ([ABSENT] if folder == exported.hostile else []), folder


def test_a_folder_that_is_not_empty_is_refused_without_force(exported):
    exit_code, output, left = exported.refused
    assert exit_code == 1
    assert "is not empty" in output and "--force" in output
    assert left == {"notes.txt": b"mine"}
    exit_code, written = exported.forced
    assert exit_code == 0
    assert written == {**exported.files, "notes.txt": b"mine"}


def test_the_images_are_read_from_whichever_storage_keeps_them(exported):
    assert exported.from_local_storage == exported.files


# ---- An author's download ------------------------------------------------------------------


def _zip_of(download: dict) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(download["data"]))
    assert archive.testzip() is None
    return {name: archive.read(name) for name in archive.namelist()}


def _files_of(exported: Exported, author: str) -> dict[str, bytes]:
    folders = exported.authors[author]
    return {
        path: data
        for path, data in exported.files.items()
        if path == SECTION or path.rsplit("/", 1)[0] in folders
    }


@pytest.mark.parametrize("author", ["alice", "bob"])
def test_an_author_downloads_a_zip_of_their_own_posts_drafts_included(exported, author):
    download = exported.downloads[author]
    assert download["status"] == 200
    assert download["headers"]["Content-Type"] == "application/zip"
    assert download["headers"]["Content-Disposition"] == f"attachment; filename={author}-posts.zip"
    assert download["headers"]["Cache-Control"] == "private, no-store"
    assert _zip_of(download) == _files_of(exported, author)


def test_the_download_holds_drafts_and_posts_scheduled_for_later(exported):
    names = set(_zip_of(exported.downloads["alice"]))
    folders = (f"{POSTS}/ideas-2", f"{POSTS}/ideas-3", exported.scheduled)
    assert {f"{folder}/index.md" for folder in folders} <= names
    assert not any(name.startswith(tuple(exported.authors["bob"])) for name in names)


def test_a_reader_not_signed_in_is_sent_to_sign_in(exported):
    download = exported.downloads["anonymous"]
    assert download["status"] == 302
    assert download["headers"]["Location"].startswith("/login?next=")
    assert download["data"][:2] != b"PK"


def test_the_settings_page_links_to_the_download(exported):
    assert 'href="/settings/export"' in exported.downloads["alice"]["settings"]
