"""The rules of blog.domain.revisions: which saves keep the version they replace, how many stay,
how autosaves are coalesced, restoring, and who may see a post's history."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from blog.domain import posts, revisions
from blog.domain.errors import NotFound, PermissionDenied, ValidationError
from blog.extensions import db
from blog.markdown import MARKUP_MAX
from blog.models import PostRevision, PostStatus, User, utcnow
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def author(db):
    return UserFactory(username="writer")


@pytest.fixture
def post(author):
    return posts.create_post(
        author, title="First title", description="First summary", body="One\nTwo", tags=["a"]
    )


def stored(post) -> list[PostRevision]:
    """The post's revisions, newest first, as the database holds them."""
    db.session.expire_all()
    statement = (
        sa.select(PostRevision)
        .where(PostRevision.post_id == post.id)
        .order_by(PostRevision.id.desc())
    )
    return list(db.session.scalars(statement))


def age(revision: PostRevision, by: timedelta) -> None:
    """Make ``revision`` look older than it is (the coalescing window is minutes long)."""
    revision.created_at -= by
    db.session.commit()


def test_a_save_keeps_the_version_it_replaces_with_who_saved_and_when(post, author):
    before = utcnow()
    posts.update_post(
        post, author, {"title": "Second title", "body": "One\n2\n", "tags": ["b", "a"]}
    )
    [revision] = stored(post)
    assert (revision.title, revision.description, revision.body) == (
        "First title",
        "First summary",
        "One\nTwo",
    )
    assert revision.tag_names == ["a"]
    assert revision.editor_id == author.id
    assert revision.created_at >= before
    assert revision.autosave is False
    assert post.title == "Second title" and post.tag_names == ["b", "a"]


@pytest.mark.parametrize(
    "change",
    [{"title": "New"}, {"description": "New"}, {"body": "New"}, {"tags": ["b"]}, {"tags": []}],
)
def test_a_change_to_any_kept_field_keeps_a_revision(post, author, change):
    posts.update_post(post, author, change)
    assert len(stored(post)) == 1


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"title": "First title", "body": "One\nTwo"},
        {"tags": ["A"]},  # the same tag, once normalised
        {"publish": True},
        {"publish": False},
    ],
)
def test_no_revision_when_nothing_kept_changed(post, author, change):
    posts.update_post(post, author, change)
    assert stored(post) == []


def test_a_refused_save_keeps_no_revision(post, author):
    with pytest.raises(ValidationError):
        posts.update_post(post, author, {"title": "New", "body": "*" * (MARKUP_MAX + 1)})
    db.session.rollback()
    assert stored(post) == []


def test_tag_names_are_kept_as_given_even_with_commas(post, author):
    posts.update_post(post, author, {"tags": ["c, d", "e"]})
    posts.update_post(post, author, {"tags": ["f"]})
    assert stored(post)[0].tag_names == ["c, d", "e"]


def test_only_the_newest_revisions_are_kept(post, author, settings):
    settings(REVISIONS_KEPT=3)
    for n in range(5):
        posts.update_post(post, author, {"body": f"Version {n}"})
    kept = stored(post)
    assert [r.body for r in kept] == ["Version 3", "Version 2", "Version 1"]


def test_pruning_touches_only_the_post_saved(post, author, settings):
    other = posts.create_post(author, title="Other", description="Short", body="x")
    for n in range(3):
        posts.update_post(other, author, {"body": f"Other {n}"})
    settings(REVISIONS_KEPT=1)
    posts.update_post(post, author, {"body": "Changed"})
    assert len(stored(other)) == 3
    assert len(stored(post)) == 1


def test_no_revisions_are_kept_when_the_setting_is_zero(post, author, settings):
    posts.update_post(post, author, {"body": "Kept"})
    settings(REVISIONS_KEPT=0)
    posts.update_post(post, author, {"body": "Not kept"})
    assert stored(post) == []


def test_an_autosave_right_after_another_keeps_no_revision(post, author):
    posts.update_post(post, author, {"body": "Typing"}, autosave=True)
    posts.update_post(post, author, {"body": "Typing more"}, autosave=True)
    posts.update_post(post, author, {"body": "Typing even more"}, autosave=True)
    [revision] = stored(post)
    assert revision.body == "One\nTwo" and revision.autosave is True
    assert post.body == "Typing even more"


def test_an_autosave_keeps_a_revision_once_the_newest_is_older_than_the_interval(post, author):
    posts.update_post(post, author, {"body": "Typing"}, autosave=True)
    age(stored(post)[0], revisions.AUTOSAVE_INTERVAL + timedelta(seconds=1))
    posts.update_post(post, author, {"body": "Later"}, autosave=True)
    assert [r.body for r in stored(post)] == ["Typing", "One\nTwo"]


def test_an_autosave_within_the_interval_of_an_older_autosave_still_coalesces(post, author):
    posts.update_post(post, author, {"body": "Typing"}, autosave=True)
    age(stored(post)[0], revisions.AUTOSAVE_INTERVAL - timedelta(seconds=30))
    posts.update_post(post, author, {"body": "Later"}, autosave=True)
    assert len(stored(post)) == 1


def test_an_autosave_after_a_deliberate_save_keeps_what_was_saved(post, author):
    posts.update_post(post, author, {"body": "Saved on purpose"})
    posts.update_post(post, author, {"body": "Typing after saving"}, autosave=True)
    posts.update_post(post, author, {"body": "Typing on"}, autosave=True)
    assert [r.body for r in stored(post)] == ["Saved on purpose", "One\nTwo"]


def test_a_deliberate_save_after_autosaves_always_keeps_a_revision(post, author):
    posts.update_post(post, author, {"body": "Typing"}, autosave=True)
    posts.update_post(post, author, {"body": "Saved"})
    assert [r.body for r in stored(post)] == ["Typing", "One\nTwo"]


def test_restoring_brings_back_the_version_and_keeps_the_one_it_replaces(post, author):
    posts.update_post(
        post,
        author,
        {"title": "Second", "description": "Second summary", "body": "New", "tags": ["z"]},
    )
    [first] = stored(post)
    assert posts.restore_revision(post, first, author) is True
    assert (post.title, post.description, post.body, post.tag_names) == (
        "First title",
        "First summary",
        "One\nTwo",
        ["a"],
    )
    newest = stored(post)[0]
    assert (newest.title, newest.body, newest.tag_names) == ("Second", "New", ["z"])
    # ...so the restore itself can be undone:
    posts.restore_revision(post, newest, author)
    assert (post.title, post.body, post.tag_names) == ("Second", "New", ["z"])


def test_restoring_keeps_the_slug_and_the_publication(author):
    post = posts.create_post(author, title="Public", description="Short", body="x", publish=True)
    slug, published_at = post.slug, post.published_at
    posts.update_post(post, author, {"title": "Renamed"})
    posts.unpublish_post(post, author)
    posts.restore_revision(post, stored(post)[0], author)
    assert post.title == "Public"
    assert post.slug == slug and post.published_at == published_at
    assert post.status is PostStatus.DRAFT


def test_restoring_the_current_version_changes_nothing(post, author):
    posts.update_post(post, author, {"body": "Other"})
    posts.update_post(post, author, {"body": "One\nTwo"})
    same = stored(post)[0]  # "Other"; the one before it reads as the post does now
    older = stored(post)[1]
    assert revisions.is_current(older, post)
    updated_at = post.updated_at
    assert posts.restore_revision(post, older, author) is False
    assert post.updated_at == updated_at
    assert len(stored(post)) == 2
    assert not revisions.is_current(same, post)


def test_restored_tags_go_through_the_tag_rules(post, author):
    posts.update_post(post, author, {"tags": ["b"]})
    revision = stored(post)[0]
    revision.tag_names = ["Mixed  Case", "mixed case", "ok"]
    db.session.commit()
    posts.restore_revision(post, revision, author)
    assert post.tag_names == ["mixed case", "ok"]


def test_a_version_todays_rules_refuse_is_not_restored(post, author):
    posts.update_post(post, author, {"body": "Fine"})
    revision = stored(post)[0]
    revision.tag_names = ["no/slashes"]
    db.session.commit()
    with pytest.raises(ValidationError):
        posts.restore_revision(post, revision, author)
    db.session.rollback()
    assert post.body == "Fine"


def test_the_history_lists_newest_first_with_what_each_save_changed(post, author):
    posts.update_post(post, author, {"title": "Second", "tags": ["a", "b"]})
    posts.update_post(post, author, {"body": "One\nTwo changed\nThree"})
    entries = revisions.history(post, author)
    assert [e.revision.title for e in entries] == ["Second", "First title"]
    assert entries[0].summary == revisions.Summary(("body",), lines_added=2, lines_removed=1)
    assert entries[1].summary == revisions.Summary(("title", "tags"))


def test_a_diff_reads_from_the_revision_to_the_post_as_it_is(post, author):
    posts.update_post(post, author, {"title": "Second", "tags": ["b"], "body": "One\nThree"})
    changes = revisions.diff(stored(post)[0], post)
    assert [(c.name, c.before, c.after) for c in changes.fields] == [
        ("title", "First title", "Second")
    ]
    assert (changes.tags.removed, changes.tags.added) == (["a"], ["b"])
    [hunk] = changes.body
    assert [(line.kind, line.text) for line in hunk.lines] == [
        ("same", "One"),
        ("removed", "Two"),
        ("added", "Three"),
    ]
    assert not changes.is_empty


def test_a_diff_of_a_version_the_post_reads_as_is_empty(post, author):
    posts.update_post(post, author, {"body": "x"})
    posts.update_post(post, author, {"body": "One\nTwo"})
    assert revisions.diff(stored(post)[1], post).is_empty


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


def test_only_the_author_or_an_admin_sees_and_restores_a_posts_history(post, author, stranger):
    posts.update_post(post, author, {"body": "Changed"})
    [revision] = stored(post)
    for user in (stranger, None):
        with pytest.raises(PermissionDenied):
            revisions.history(post, user)
        with pytest.raises(PermissionDenied):
            revisions.get_revision(post, revision.id, user)
        with pytest.raises(PermissionDenied):
            posts.restore_revision(post, revision, user)
    assert post.body == "Changed"
    admin = UserFactory(username="admin", is_admin=True)
    assert [e.revision.id for e in revisions.history(post, admin)] == [revision.id]
    assert posts.restore_revision(post, revision, admin) is True
    assert stored(post)[0].editor_id == admin.id


@pytest.mark.parametrize("revision_id", ["0", "-1", "abc", "99999", str(2**70)])
def test_an_id_that_is_no_revision_is_not_found(post, author, revision_id):
    posts.update_post(post, author, {"body": "Changed"})
    with pytest.raises(NotFound):
        revisions.get_revision(post, revision_id, author)


def test_a_revision_of_another_post_is_not_found_through_this_one(post, author):
    other = PostFactory(author=author)
    posts.update_post(other, author, {"body": "Changed"})
    [revision] = stored(other)
    with pytest.raises(NotFound):
        revisions.get_revision(post, revision.id, author)
    with pytest.raises(NotFound):
        posts.restore_revision(post, revision, author)


def test_deleting_a_post_deletes_its_revisions(post, author):
    posts.update_post(post, author, {"body": "Changed"})
    posts.delete_post(post, author)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 0


def test_deleting_an_editor_keeps_the_revision_without_a_name(post, author):
    admin = UserFactory(username="admin", is_admin=True)
    posts.update_post(post, admin, {"body": "Changed"})
    db.session.execute(sa.delete(User).where(User.id == admin.id))
    db.session.commit()
    [revision] = stored(post)
    assert revision.editor_id is None and revision.editor is None
