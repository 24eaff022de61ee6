import calendar

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from blog.domain import queries, site_settings

bp = Blueprint("main", __name__, template_folder="templates")


def _page_args() -> tuple[int, int]:
    return queries.page_number(request.args.get("page")), site_settings.current().posts_per_page


@bp.get("/")
def home():
    posts = queries.home_posts(current_user, *_page_args())
    return render_template("main/home.html", posts=posts, popular_tags=queries.popular_tags())


@bp.get("/feed")
@login_required
def feed():
    posts = queries.feed_posts(current_user, *_page_args())
    suggestions = [] if posts.ids else queries.suggested_authors(current_user)
    return render_template("main/feed.html", posts=posts, suggestions=suggestions)


@bp.get("/tags/<name>")
def tag(name: str):
    tag = queries.get_tag(name)
    posts = queries.tag_posts(tag, current_user, *_page_args())
    return render_template("main/tag.html", tag=tag, posts=posts)


@bp.get("/tags")
def tags():
    return render_template("main/tags.html", tags=queries.popular_tags(limit=None))


@bp.get("/archive")
def archive():
    years: dict[int, list[tuple[int, int]]] = {}
    for year, month, count in queries.archive_months():
        years.setdefault(year, []).append((month, count))
    return render_template("main/archive.html", years=years, month_names=calendar.month_name)


@bp.get("/archive/<int:year>/<int:month>")
def archive_month(year: int, month: int):
    posts = queries.month_posts(year, month, current_user, *_page_args())
    return render_template(
        "main/archive_month.html",
        year=year,
        month=month,
        posts=posts,
        month_names=calendar.month_name,
    )
