"""factory_boy factories writing real rows through the app's session."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from blog.extensions import db
from blog.markdown import render_comment, render_post
from blog.models import Comment, Page, Post, PostStatus, PostTag, Tag, User, utcnow

PASSWORD = "correct horse battery"
# Signing in checks this hash. The app hashes with scrypt, slow on purpose (a tenth of a second
# a check); the accounts tests make need no such protection, so theirs is a cheap one.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password_hash = _PASSWORD_HASH
    bio = factory.Faker("sentence")
    is_admin = False


class TagFactory(BaseFactory):
    class Meta:
        model = Tag
        sqlalchemy_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class PostFactory(BaseFactory):
    class Meta:
        model = Post

    title = factory.Faker("sentence", nb_words=5)
    slug = factory.Sequence(lambda n: f"post-{n}")
    description = factory.Faker("sentence")
    body = factory.Faker("paragraph")
    body_html = factory.LazyAttribute(lambda p: render_post(p.body))
    status = PostStatus.PUBLISHED
    published_at = factory.LazyFunction(utcnow)
    author = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tags(post, create, names, **kwargs):
        if not (create and names):
            return
        for position, name in enumerate(names):
            tag = TagFactory(name=name)
            db.session.add(PostTag(post_id=post.id, tag_id=tag.id, position=position))
        db.session.commit()


class DraftFactory(PostFactory):
    status = PostStatus.DRAFT
    published_at = None


class CommentFactory(BaseFactory):
    class Meta:
        model = Comment

    body = factory.Faker("sentence")
    body_html = factory.LazyAttribute(lambda c: render_comment(c.body))
    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)


class PageFactory(BaseFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    body = factory.Faker("paragraph")
    body_html = factory.LazyAttribute(lambda p: render_post(p.body))
    is_published = True
    in_navigation = False
    navigation_position = 0
