"""The API's request and response shapes (pydantic).

These models validate what comes in, shape what goes out, and are the source of the OpenAPI
document at /api/openapi.json. They check types only; the rules (blank, too long, taken) are the
domain's, so the HTML site and the API give the same answers.
"""

from __future__ import annotations

import copy
import functools
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from blog.domain.tags import TAG_ENTRIES_MAX
from blog.models.post import TAGS_PER_POST_MAX

MAX_OFFSET = 10_000_000
MAX_LIMIT = 100  # the most articles one list request returns


class Schema(BaseModel):
    model_config = ConfigDict(extra="ignore")


# Requests


class NewUser(Schema):
    username: str | None = None
    email: str | None = None
    password: str | None = None


class NewUserBody(Schema):
    user: NewUser


class LoginUser(Schema):
    email: str | None = None
    password: str | None = None
    otp: str | None = Field(
        None,
        description="x-extension: for an account with two-factor authentication on, the code "
        "its authenticator app shows (or one of its recovery codes); without it the answer is 401 "
        '`{"errors": {"otp": ["is required"]}}`.',
    )


class LoginBody(Schema):
    user: LoginUser


class UserChanges(Schema):
    email: str | None = None
    username: str | None = None
    password: str | None = None
    bio: str | None = None
    image: str | None = None
    currentPassword: str | None = Field(
        None,
        description="x-extension: the current password, needed to change the password, and to "
        "change the email address at once, unless the token comes from a sign-in within "
        "RECENT_SIGN_IN_SECONDS (5 minutes by default).",
    )


class UserChangesBody(Schema):
    user: UserChanges


def _few_enough_tags(value: Any) -> Any:
    """A tag list is measured before its entries are read: 100,000 of them would otherwise each
    be checked, and each that isn't a string reported. The message is the domain's."""
    if isinstance(value, list) and len(value) > TAG_ENTRIES_MAX:
        raise PydanticCustomError("too_many_tags", f"at most {TAGS_PER_POST_MAX} tags")
    return value


TagList = Annotated[
    list[str] | None,
    BeforeValidator(_few_enough_tags),
    Field(
        description=f"At most {TAGS_PER_POST_MAX} distinct tags; a list of more than "
        f"{TAG_ENTRIES_MAX} entries is refused unread (x-extension: the spec sets no maximum).",
        json_schema_extra={"maxItems": TAG_ENTRIES_MAX},
    ),
]


IMAGE_EXTENSION = (
    "x-extension: the article's cover image, an http(s) URL (from POST /api/uploads or "
    "elsewhere); null or empty for none"
)
PUBLISH_AT = (
    "x-extension: when the article is published, ISO 8601 with an offset (e.g. "
    "2030-01-31T09:00:00+01:00 or ...Z), at most 5 years ahead; a time past or null publishes "
    "now. Until then the article is its author's alone: absent from every list, and from "
    "GET by slug for anyone else. A time without an offset is 422."
)


class NewArticle(Schema):
    title: str | None = None
    description: str | None = None
    body: str | None = None
    tagList: TagList = None
    image: str | None = Field(None, description=IMAGE_EXTENSION)
    publishAt: str | None = Field(
        None, description=PUBLISH_AT, json_schema_extra={"format": "date-time"}
    )


class NewArticleBody(Schema):
    article: NewArticle


class ArticleChanges(Schema):
    title: str | None = None
    description: str | None = None
    body: str | None = None
    tagList: TagList = None
    image: str | None = Field(None, description=IMAGE_EXTENSION)
    publishAt: str | None = Field(
        None,
        description=f"{PUBLISH_AT} On a scheduled article: a new time, or null to publish "
        "now; an article already published can't be scheduled again.",
        json_schema_extra={"format": "date-time"},
    )


class ArticleChangesBody(Schema):
    article: ArticleChanges


class NewComment(Schema):
    body: str | None = None


class NewCommentBody(Schema):
    comment: NewComment


LIMIT_EXTENSION = {
    "x-extension": f"limit is at most {MAX_LIMIT} and offset at most {MAX_OFFSET:,}; the spec "
    "sets no maximum (larger values are 422)"
}


def _limit() -> Any:
    return Field(20, ge=1, le=MAX_LIMIT, description=f"How many articles (1 to {MAX_LIMIT}).")


def _offset() -> Any:
    return Field(0, ge=0, le=MAX_OFFSET, description="How many articles to skip.")


SEARCH_EXTENSION = (
    "x-extension: a full-text search over title, description, body and tags, as the site's "
    'search box reads it: words (all needed), "exact phrases", -excluded, and or between two. '
    "With it, articles come best match first; combinable with tag, author and favorited. "
    "Never an error: a query of signs alone matches nothing."
)


class QuerySchema(Schema):
    """A query string's model. Flask-OpenAPI3 reads its JSON schema on every request to parse
    the query string (which fields are lists): made once, here, and a copy handed out (it took
    a third of a list request's time)."""

    @classmethod
    def model_json_schema(cls, *args, **kwargs) -> dict[str, Any]:
        return copy.deepcopy(_json_schema(cls, *args, **kwargs))


@functools.cache
def _json_schema(model: type[QuerySchema], *args, **kwargs) -> dict[str, Any]:
    return super(QuerySchema, model).model_json_schema(*args, **kwargs)


class ArticleListQuery(QuerySchema):
    q: str | None = Field(None, description=SEARCH_EXTENSION)
    tag: str | None = Field(None, description="Only articles with this tag.")
    author: str | None = Field(None, description="Only articles by this username.")
    favorited: str | None = Field(None, description="Only articles this username favorited.")
    limit: int = _limit()
    offset: int = _offset()


class FeedQuery(QuerySchema):
    limit: int = _limit()
    offset: int = _offset()


class SlugPath(Schema):
    slug: str


class UsernamePath(Schema):
    username: str


class CommentPath(Schema):
    slug: str
    id: int = Field(ge=1, le=2**31 - 1)


# Responses


class UserOut(Schema):
    email: str
    token: str
    username: str
    bio: str | None
    image: str | None


class UserResponse(Schema):
    user: UserOut


class UpdatedUserOut(UserOut):
    pendingEmail: str | None = Field(
        None,
        description="x-extension: present when the email change waits for confirmation; a "
        "link went to this address, and `email` stays the old one until it is followed.",
    )


class UpdatedUserResponse(Schema):
    user: UpdatedUserOut


class ProfileOut(Schema):
    username: str
    bio: str | None
    image: str | None
    following: bool


class ProfileResponse(Schema):
    profile: ProfileOut


class ArticlePreview(Schema):
    slug: str
    title: str
    description: str
    tagList: list[str]
    createdAt: datetime
    updatedAt: datetime
    favorited: bool
    favoritesCount: int
    author: ProfileOut
    image: str | None = Field(None, description=IMAGE_EXTENSION)


class ArticleOut(ArticlePreview):
    body: str
    publishAt: datetime | None = Field(
        None,
        description="x-extension: the time a scheduled article will be published (shown to its "
        "author, the only one who sees it until then); null once published.",
    )


class ArticleResponse(Schema):
    article: ArticleOut


class ArticlesResponse(Schema):
    articles: list[ArticlePreview]
    articlesCount: int


class CommentOut(Schema):
    id: int
    createdAt: datetime
    updatedAt: datetime
    body: str
    author: ProfileOut


class CommentResponse(Schema):
    comment: CommentOut


class CommentsResponse(Schema):
    comments: list[CommentOut]


class TagsResponse(Schema):
    tags: list[str]


class ErrorResponse(Schema):
    errors: dict[str, list[str]] = Field(
        description='Messages per field, e.g. {"title": ["can\'t be blank"]}.'
    )
