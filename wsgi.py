"""WSGI entry point: ``gunicorn wsgi:app``. The environment comes from BLOG_ENV."""

from blog import create_app

app = create_app()
