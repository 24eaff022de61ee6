from flask import Blueprint, current_app, render_template, request

from blog.domain import queries

bp = Blueprint("main", __name__, template_folder="templates")


def _per_page() -> int:
    return current_app.config["POSTS_PER_PAGE"]


@bp.get("/")
def home():
    page = queries.page_number(request.args.get("page"))
    posts = queries.home_posts(page, _per_page())
    return render_template("main/home.html", posts=posts)


@bp.get("/tags/<name>")
def tag(name: str):
    tag = queries.get_tag(name)
    page = queries.page_number(request.args.get("page"))
    posts = queries.tag_posts(tag, page, _per_page())
    return render_template("main/tag.html", tag=tag, posts=posts)
