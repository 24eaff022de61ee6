from __future__ import annotations

from flask import jsonify
from pydantic import BaseModel

from blog.api import schemas

TOKEN = [{"Token": []}]
ERRORS = {401: schemas.ErrorResponse, 422: schemas.ErrorResponse}


def respond(model: BaseModel, status: int = 200):
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response


def no_content():
    return "", 204
