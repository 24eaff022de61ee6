"""The benchmark (``make bench``, ``python -m bench``): the blog under gunicorn, driven by wrk,
on datasets of a thousand and a million posts, on SQLite and PostgreSQL, every figure also a
ratio to a bare Flask "hello world" served the same way in the same run.

Never part of ``make test``: it takes minutes, needs wrk, and its figures depend on the machine.
"""
