from flask import Blueprint, render_template, request
from flask_login import current_user

from blog.domain import queries, search, site_settings

bp = Blueprint("search", __name__, template_folder="templates")


@bp.get("/search")
def results():
    """Without ``q``, the page is the search box alone; with one that reads as nothing (only
    signs, only excluded words), it says so rather than listing every post."""
    text = search.printable(request.args.get("q", ""))
    page = queries.page_number(request.args.get("page"))
    query = posts = None
    if text:
        query, posts = queries.search_posts(
            text, current_user, page, site_settings.current().posts_per_page
        )
    return render_template(
        "search/results.html",
        text=text,
        query=query,
        posts=posts,
        ranked_at_most=search.backends.CANDIDATES,
        marked_title=search.marked_title,
        marked_snippet=search.marked_snippet,
    )
