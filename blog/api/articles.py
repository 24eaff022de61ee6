from flask_openapi3 import Tag

from blog.api import previews, schemas, shapes
from blog.api.blueprint import api
from blog.api.respond import ERRORS, TOKEN, no_content, respond
from blog.api.tokens import api_user, require_api_user, token_required
from blog.domain import posts, queries, search, social
from blog.domain.stats import attach_post_stats

DOMAIN_NAMES = {"tagList": "tags", "image": "cover_image", "publishAt": "publish_at"}
"""The domain's names of the article fields the API names otherwise."""

articles_tag = Tag(name="Articles")
favorites_tag = Tag(name="Favorites")
tags_tag = Tag(name="Tags")
ONE = {
    200: schemas.ArticleResponse,
    403: schemas.ErrorResponse,
    404: schemas.ErrorResponse,
    **ERRORS,
}
MANY = {200: schemas.ArticlesResponse, **ERRORS}


def _article(post, status: int = 200):
    attach_post_stats([post], api_user())
    return respond(shapes.article(post), status)


def _window(statement, offset: int, limit: int):
    return previews.article_list(statement, offset, limit)


@api.get(
    "/articles",
    tags=[articles_tag],
    summary="Recent articles",
    responses=MANY,
    openapi_extensions={
        "x-extension": f"{schemas.LIMIT_EXTENSION['x-extension']}; q searches (full text)"
    },
)
def list_articles(query: schemas.ArticleListQuery):
    """Newest first, optionally by tag, author or who favorited them, or best match first for a
    search (`q`; blank is no search); `articlesCount` counts all matches, not just this page."""
    statement = queries.published_posts(
        tag=query.tag,
        author=query.author,
        favorited_by=query.favorited,
        matching=search.read_query(query.q) if query.q and search.printable(query.q) else None,
    )
    return _window(statement, query.offset, query.limit)


@api.get(
    "/articles/feed",
    tags=[articles_tag],
    summary="Articles by followed authors",
    security=TOKEN,
    responses=MANY,
    openapi_extensions=schemas.LIMIT_EXTENSION,
)
@token_required
def feed(query: schemas.FeedQuery):
    reader = require_api_user()
    return _window(queries.published_posts(followed_by=reader), query.offset, query.limit)


@api.get("/articles/<article_slug:slug>", tags=[articles_tag], summary="An article", responses=ONE)
def get_article(path: schemas.SlugPath):
    """A scheduled article (x-extension `publishAt`) is found by its author alone."""
    return _article(queries.get_article(path.slug, api_user()))


@api.post(
    "/articles",
    tags=[articles_tag],
    summary="Publish an article",
    security=TOKEN,
    responses={201: schemas.ArticleResponse, **ERRORS},
)
@token_required
def create_article(body: schemas.NewArticleBody):
    """Articles from the API are published at once, or at `publishAt` (x-extension); the
    site's editor also offers drafts."""
    author = require_api_user()
    fields = body.article
    post = posts.create_post(
        author,
        title=fields.title,
        description=fields.description,
        body=fields.body,
        tags=fields.tagList or [],
        publish=True,
        cover_image=fields.image,
        publish_at=fields.publishAt,
    )
    return _article(post, 201)


@api.put(
    "/articles/<article_slug:slug>",
    tags=[articles_tag],
    summary="Update an article",
    security=TOKEN,
    responses=ONE,
)
@token_required
def update_article(path: schemas.SlugPath, body: schemas.ArticleChangesBody):
    """Only the fields sent change; the slug never does. `tagList: []` removes every tag."""
    editor = require_api_user()
    post = queries.get_article(path.slug, editor)
    sent = body.article.model_dump(include=body.article.model_fields_set)
    changes = {DOMAIN_NAMES.get(name, name): value for name, value in sent.items()}
    posts.update_post(post, editor, changes)
    return _article(post)


@api.delete(
    "/articles/<article_slug:slug>",
    tags=[articles_tag],
    summary="Delete an article",
    security=TOKEN,
    responses={204: None, 403: schemas.ErrorResponse, 404: schemas.ErrorResponse, **ERRORS},
)
@token_required
def delete_article(path: schemas.SlugPath):
    user = require_api_user()
    posts.delete_post(queries.get_article(path.slug, user), user)
    return no_content()


@api.post(
    "/articles/<article_slug:slug>/favorite",
    tags=[favorites_tag],
    summary="Favorite",
    security=TOKEN,
    responses=ONE,
)
@token_required
def favorite(path: schemas.SlugPath):
    reader = require_api_user()
    post = queries.get_published_post(path.slug)
    social.favorite(reader, post)
    return _article(post)


@api.delete(
    "/articles/<article_slug:slug>/favorite",
    tags=[favorites_tag],
    summary="Unfavorite",
    security=TOKEN,
    responses=ONE,
)
@token_required
def unfavorite(path: schemas.SlugPath):
    reader = require_api_user()
    post = queries.get_published_post(path.slug)
    social.unfavorite(reader, post)
    return _article(post)


@api.get("/tags", tags=[tags_tag], summary="Tags in use", responses={200: schemas.TagsResponse})
def tags():
    return respond(schemas.TagsResponse(tags=queries.all_tag_names()))
