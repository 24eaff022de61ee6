"""The API blueprint: errors in the RealWorld shape, tokens checked before bodies, write limits.

Its route modules import ``api`` from here and are imported at the end, so importing this module
gives the blueprint with every route on it.
"""

from flask_openapi3 import APIBlueprint

from blog.api.errors import register_api_error_handlers
from blog.api.schemas import ErrorResponse
from blog.api.tokens import api_user_or_none, check_token_before_validation
from blog.limits import account_key, limit_api_writes

# Any request can be undecodable (text that isn't valid UTF-8), too large or one too many.
api = APIBlueprint(
    "api",
    __name__,
    url_prefix="/api",
    abp_responses={400: ErrorResponse, 413: ErrorResponse, 429: ErrorResponse},
)
register_api_error_handlers(api)
api.before_request(check_token_before_validation)
api_account = account_key(api_user_or_none)
limit_api_writes(api, api_account)

from blog.api import articles, comments, profiles, uploads, users  # noqa: E402, F401  (routes)
