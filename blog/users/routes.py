from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from blog import limits
from blog.auth.sessions import sign_in_again
from blog.domain import account_changes, queries, site_settings, social, stats
from blog.domain.errors import ValidationError
from blog.forms import attach_errors
from blog.redirects import redirect_back
from blog.security.routes import settings_panels
from blog.users import avatars
from blog.users.forms import PasswordForm, ProfileForm

bp = Blueprint("users", __name__, template_folder="templates")


def _render_profile(author, posts, tab: str):
    return render_template(
        "users/profile.html",
        author=author,
        posts=posts,
        tab=tab,
        stats=stats.profile_stats(author, current_user),
    )


def _page_args() -> tuple[int, int]:
    return queries.page_number(request.args.get("page")), site_settings.current().posts_per_page


@bp.get("/@<username>")
def profile(username: str):
    author = queries.get_author(username)
    posts = queries.author_posts(author, current_user, *_page_args())
    return _render_profile(author, posts, "posts")


@bp.get("/@<username>/favorites")
def favorites(username: str):
    author = queries.get_author(username)
    posts = queries.favorited_posts(author, current_user, *_page_args())
    return _render_profile(author, posts, "favorites")


@bp.post("/@<username>/follow")
@login_required
def follow(username: str):
    author = queries.get_author(username)
    try:
        social.follow(current_user, author)
    except ValidationError as error:
        flash(" ".join(error.errors["profile"]), "error")
    return redirect_back(url_for("users.profile", username=author.username))


@bp.post("/@<username>/unfollow")
@login_required
def unfollow(username: str):
    author = queries.get_author(username)
    social.unfollow(current_user, author)
    return redirect_back(url_for("users.profile", username=author.username))


@bp.get("/avatars/<username>.svg")
def avatar(username: str):
    """A generated avatar (initial on a colour from the name): no network, cached for a day."""
    svg = render_template("users/avatar.svg", **avatars.avatar_for(username))
    response = make_response(svg)
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/settings", methods=["GET", "POST"])
@login_required
@limits.password_change_per_address
@limits.password_change_per_account
def settings():
    """Two forms on one page; the button pressed says which one was sent."""
    # A field missing from a (crafted) submission keeps its saved value.
    profile_form = ProfileForm(prefix="profile", obj=current_user, image=current_user.image_url)
    password_form = PasswordForm(prefix="password")

    if profile_form.save_profile.data and profile_form.validate_on_submit():
        fields = ("username", "email", "image", "bio")
        proof = account_changes.Proof(password=profile_form.current_password.data)
        try:
            account_changes.update_account(
                current_user, {f: getattr(profile_form, f).data for f in fields}, proof
            )
        except ValidationError as error:
            attach_errors(profile_form, error)
        else:
            flash("Profile saved.", "success")
            return redirect(url_for("users.settings"))
    elif password_form.change_password.data and password_form.validate_on_submit():
        try:
            account_changes.change_password(
                current_user, password_form.current_password.data, password_form.new_password.data
            )
        except ValidationError as error:
            attach_errors(password_form, error)
        else:
            sign_in_again(current_user._get_current_object())  # the change ended its sign-in
            flash("Password changed. Other browsers have been signed out.", "success")
            return redirect(url_for("users.settings"))

    failed = any(f.errors or f.form_errors for f in (profile_form, password_form))
    page = render_template(
        "users/settings.html",
        profile_form=profile_form,
        password_form=password_form,
        **settings_panels(current_user._get_current_object()),
    )
    return page, 422 if failed else 200
