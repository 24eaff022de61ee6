from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from blog.domain import queries

bp = Blueprint("main", __name__, template_folder="templates")


def _page_args() -> tuple[int, int]:
    return queries.page_number(request.args.get("page")), current_app.config["POSTS_PER_PAGE"]


@bp.get("/")
def home():
    posts = queries.home_posts(current_user, *_page_args())
    return render_template("main/home.html", posts=posts, popular_tags=queries.popular_tags())


@bp.get("/feed")
@login_required
def feed():
    posts = queries.feed_posts(current_user, *_page_args())
    suggestions = [] if posts.items else queries.suggested_authors(current_user)
    return render_template("main/feed.html", posts=posts, suggestions=suggestions)


@bp.get("/tags/<name>")
def tag(name: str):
    tag = queries.get_tag(name)
    posts = queries.tag_posts(tag, current_user, *_page_args())
    return render_template("main/tag.html", tag=tag, posts=posts)
