from flask_openapi3 import Tag

from blog import limits
from blog.api import schemas, shapes
from blog.api.blueprint import api, api_account
from blog.api.errors import error_body
from blog.api.respond import ERRORS, TOKEN, respond
from blog.api.tokens import (
    issue_token,
    keep_current_token,
    require_api_user,
    token_required,
    token_signed_in_at,
)
from blog.domain import account_changes, two_factor, users
from blog.domain.errors import PermissionDenied

tag = Tag(name="User and Authentication")


@api.post(
    "/users",
    tags=[tag],
    summary="Register",
    responses={201: schemas.UserResponse, 409: schemas.ErrorResponse, 422: schemas.ErrorResponse},
)
@limits.registration
def register(body: schemas.NewUserBody):
    fields = body.user
    account = users.register(fields.username, fields.email, fields.password)
    return respond(shapes.user(account, issue_token(account)), 201)


@api.post(
    "/users/login",
    tags=[tag],
    summary="Sign in",
    description=(
        "A disabled account (with the right password) gets 403 with "
        '`{"errors": {"account": ["has been disabled"]}}`. An account with two-factor '
        "authentication on also needs `otp`, a code from its authenticator app or a recovery "
        'code: without one the answer is 401 `{"errors": {"otp": ["is required"]}}`, with a '
        'wrong or used one 401 `{"errors": {"otp": ["is not right, or was already used"]}}`, '
        "and after `RATELIMIT_SECOND_FACTOR` tries 429."
    ),
    responses={200: schemas.UserResponse, 403: schemas.ErrorResponse, **ERRORS},
    openapi_extensions={
        "x-extension": "403 for a disabled account (accounts can't be disabled in the spec); "
        "`otp` for an account with two-factor authentication"
    },
)
@limits.login_per_address
@limits.login_per_account
def login(body: schemas.LoginBody):
    try:
        account = users.login(body.user.email, body.user.password)
    except PermissionDenied:  # the right password for a disabled account: say so
        return error_body({"account": ["has been disabled"]}, 403)
    if account.has_totp:
        refused = _second_factor_refused(account, body.user.otp)
        if refused is not None:
            return refused
    return respond(shapes.user(account, issue_token(account)))


def _second_factor_refused(account, otp: str | None):
    """The answer to a sign-in whose password was right but whose ``otp`` is not, else None."""
    if not otp:
        return error_body({"otp": ["is required"]}, 401)
    if not limits.spend_second_factor_try(account):
        return error_body({"otp": ["was tried too many times: wait a minute"]}, 429)
    if not two_factor.spend_code(account, otp):
        return error_body({"otp": ["is not right, or was already used"]}, 401)
    return None


@api.get(
    "/user",
    tags=[tag],
    summary="The signed-in user",
    security=TOKEN,
    responses={200: schemas.UserResponse, 401: schemas.ErrorResponse},
)
@token_required
def current_user():
    account = require_api_user()
    return respond(shapes.user(account, issue_token(account, token_signed_in_at())))


@api.put(
    "/user",
    tags=[tag],
    summary="Update the signed-in user",
    description=(
        "Changing the password needs proof that the account's owner is there: `currentPassword`, "
        "or a token from a sign-in within `RECENT_SIGN_IN_SECONDS` (5 minutes by default); "
        'without it the answer is 422 `{"errors": {"currentPassword": ["is required to change '
        'the password (or sign in again first)"]}}` and nothing changes. A wrong '
        '`currentPassword` is 422 `{"errors": {"currentPassword": ["is not your current '
        'password"]}}`. A new `email` with that proof applies at once; without it, it waits: a '
        "link to confirm it goes to the new address, the answer still shows the old `email` and "
        "adds `pendingEmail`, and the other fields are saved. Either way the old address is "
        "told, with a link that undoes the change and signs the account out everywhere; a "
        "password change is told to the account's address."
    ),
    security=TOKEN,
    responses={200: schemas.UpdatedUserResponse, 409: schemas.ErrorResponse, **ERRORS},
    openapi_extensions={
        "x-extension": "proof for a password or email change (`currentPassword` or a recent "
        "sign-in), and `pendingEmail` while a new email waits for confirmation; the spec asks "
        "for neither"
    },
)
@token_required
@limits.api_profile_change_per_address
@limits.api_profile_change_per_account(api_account)
def update_user(body: schemas.UserChangesBody):
    account = require_api_user()
    changes = body.user.model_dump(include=body.user.model_fields_set)
    proof = account_changes.Proof(
        password=changes.pop("currentPassword", None),
        signed_in_at=token_signed_in_at(),
        field="currentPassword",
        confirm_by_mail=True,
    )
    pending_email = account_changes.update_account(account, changes, proof)
    if "password" in changes:
        keep_current_token(account)
    token = issue_token(account, token_signed_in_at())
    if pending_email is not None:
        return respond(shapes.updated_user(account, token, pending_email))
    return respond(shapes.user(account, token))
