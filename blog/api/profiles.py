from flask_openapi3 import Tag

from blog.api import schemas, shapes
from blog.api.blueprint import api
from blog.api.respond import ERRORS, TOKEN, respond
from blog.api.tokens import api_user, require_api_user, token_required
from blog.domain import queries, social, stats

tag = Tag(name="Profile")
RESPONSES = {200: schemas.ProfileResponse, 404: schemas.ErrorResponse, **ERRORS}


def _profile(username: str):
    author = queries.get_author(username)
    following = stats.profile_stats(author, api_user()).followed_by_viewer
    return respond(schemas.ProfileResponse(profile=shapes.profile(author, following)))


@api.get("/profiles/<username>", tags=[tag], summary="A profile", responses=RESPONSES)
def get_profile(path: schemas.UsernamePath):
    return _profile(path.username)


@api.post(
    "/profiles/<username>/follow",
    tags=[tag],
    summary="Follow",
    security=TOKEN,
    responses=RESPONSES,
)
@token_required
def follow(path: schemas.UsernamePath):
    reader = require_api_user()
    social.follow(reader, queries.get_author(path.username))
    return _profile(path.username)


@api.delete(
    "/profiles/<username>/follow",
    tags=[tag],
    summary="Unfollow",
    security=TOKEN,
    responses=RESPONSES,
)
@token_required
def unfollow(path: schemas.UsernamePath):
    reader = require_api_user()
    social.unfollow(reader, queries.get_author(path.username))
    return _profile(path.username)
