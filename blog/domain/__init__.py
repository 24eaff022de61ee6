"""The business rules, shared by the HTML views, the CLI and the API.

Views call these functions and turn :mod:`blog.domain.errors` into their own answers; no rule
(slugs, tags, permissions, validation, list queries) is written anywhere else.
"""
