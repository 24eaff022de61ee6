"""The limit: a bare Flask "hello world", served by the same gunicorn settings as the blog, so a
figure of the blog reads as a share of what this stack does on this machine at all."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
