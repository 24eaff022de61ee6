"""A Flask blogging platform.

``create_app`` is the application factory (:mod:`blog.factory`): ``flask --app blog run``,
``gunicorn wsgi:app`` and the tests all build the app through it.
"""

from blog.factory import create_app

__all__ = ["create_app"]
