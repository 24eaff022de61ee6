from flask_openapi3 import Tag

from blog.api import schemas, shapes
from blog.api.blueprint import api
from blog.api.respond import ERRORS, TOKEN, no_content, respond
from blog.api.tokens import api_user, require_api_user, token_required
from blog.domain import comments, queries
from blog.domain.stats import followed_author_ids

tag = Tag(name="Comments")
NOT_FOUND = {404: schemas.ErrorResponse}


@api.get(
    "/articles/<article_slug:slug>/comments",
    tags=[tag],
    summary="Comments, oldest first",
    responses={200: schemas.CommentsResponse, **NOT_FOUND, **ERRORS},
)
def list_comments(path: schemas.SlugPath):
    reader = api_user()
    found = comments.post_comments(queries.get_published_post(path.slug))
    following = followed_author_ids(reader, {c.author_id for c in found})
    items = [shapes.comment(c, c.author_id in following) for c in found]
    return respond(schemas.CommentsResponse(comments=items))


@api.post(
    "/articles/<article_slug:slug>/comments",
    tags=[tag],
    summary="Comment",
    security=TOKEN,
    responses={201: schemas.CommentResponse, **NOT_FOUND, **ERRORS},
)
@token_required
def add_comment(path: schemas.SlugPath, body: schemas.NewCommentBody):
    author = require_api_user()
    comment = comments.add_comment(queries.get_published_post(path.slug), author, body.comment.body)
    return respond(schemas.CommentResponse(comment=shapes.comment(comment)), 201)


@api.delete(
    "/articles/<article_slug:slug>/comments/<int:id>",
    tags=[tag],
    summary="Delete a comment",
    security=TOKEN,
    responses={204: None, 403: schemas.ErrorResponse, **NOT_FOUND, **ERRORS},
)
@token_required
def delete_comment(path: schemas.CommentPath):
    user = require_api_user()
    post = queries.get_published_post(path.slug)
    comments.delete_comment(comments.get_comment(post, path.id), user)
    return no_content()
