"""The admin's page of site settings (``/admin/settings/``): a form of the site's own kind (CSRF,
text only), whose values :func:`blog.domain.site_settings.save` checks and stores."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from wtforms import BooleanField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms import Form as SubForm

from blog.admin.views import AdminOnly
from blog.config import SEARCH_LANGUAGES
from blog.domain import site_settings
from blog.domain.errors import ValidationError
from blog.forms import Form
from blog.models.site_settings import DESCRIPTION_MAX, TITLE_MAX, URL_MAX

SPARE_ROWS = 2
"""Blank rows offered under the links already stored, for adding more."""


class NavigationLinkForm(SubForm):
    label = StringField("Label", render_kw={"maxlength": site_settings.LABEL_MAX})
    url = StringField("Address", render_kw={"maxlength": URL_MAX, "placeholder": "/about"})


class SocialLinkForm(SubForm):
    service = SelectField(
        "Service",
        choices=[("", "Choose…"), *site_settings.SOCIAL_SERVICES.items()],
        validate_choice=False,  # the domain says what is wrong with a row
    )
    url = StringField(
        "Address", render_kw={"maxlength": URL_MAX, "placeholder": "https://example.social/@me"}
    )


class SiteSettingsForm(Form):
    title = StringField("Title", render_kw={"maxlength": TITLE_MAX})
    description = TextAreaField("Description", render_kw={"maxlength": DESCRIPTION_MAX, "rows": 2})
    logo_url = StringField("Logo", render_kw={"maxlength": URL_MAX, "placeholder": "https://"})
    accent_color = StringField(
        "Accent colour",
        render_kw={"maxlength": 7, "placeholder": "#2f52c4", "spellcheck": "false"},
    )
    navigation_links = FieldList(
        FormField(NavigationLinkForm), max_entries=site_settings.NAVIGATION_LINKS_MAX
    )
    social_links = FieldList(FormField(SocialLinkForm), max_entries=site_settings.SOCIAL_LINKS_MAX)
    show_hero = BooleanField("Show the title and description at the top of the home page")
    posts_per_page = StringField(
        "Posts per page",
        render_kw={
            "inputmode": "numeric",
            "min": site_settings.POSTS_PER_PAGE_RANGE[0],
            "max": site_settings.POSTS_PER_PAGE_RANGE[1],
            "type": "number",
        },
    )
    search_language = SelectField("Search language", validate_choice=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.row_errors: dict[str, list[str]] = {}

    def values(self) -> dict:
        """What the domain takes: the rows as pairs."""
        return {
            **{name: field.data for name, field in self._fields.items()},
            "navigation_links": [
                (row.form.label.data, row.form.url.data) for row in self.navigation_links
            ],
            "social_links": [
                (row.form.service.data, row.form.url.data) for row in self.social_links
            ],
        }


def _form(settings: site_settings.Settings) -> SiteSettingsForm:
    """The form as sent, or filled with what is stored (blank where the default applies), with
    spare rows for more links."""
    stored = settings.stored
    if request.method == "POST":
        form = SiteSettingsForm()
    else:
        form = SiteSettingsForm(
            data={
                **{column: stored.get(column) for column in site_settings.STORED_COLUMNS},
                "show_hero": settings.show_hero,
                "posts_per_page": stored.get("posts_per_page") or "",
                "navigation_links": list(stored.get("navigation_links", [])),
                "social_links": list(stored.get("social_links", [])),
            }
        )
    for rows, most in (
        (form.navigation_links, site_settings.NAVIGATION_LINKS_MAX),
        (form.social_links, site_settings.SOCIAL_LINKS_MAX),
    ):
        while len(rows) < most and (len(rows) < SPARE_ROWS or _filled(rows[-SPARE_ROWS:])):
            rows.append_entry()
    default = current_app.config["SEARCH_LANGUAGE"]
    # Pairs, not WTForms 3.3's SelectChoice: pyproject.toml allows WTForms 3.1.
    form.search_language.choices = [
        ("", f"The default: {default.capitalize()} (SEARCH_LANGUAGE)"),
        *((name, name.capitalize()) for name in sorted(SEARCH_LANGUAGES)),
    ]
    return form


def _filled(rows) -> bool:
    return any(value for row in rows for value in row.data.values())


class SiteSettingsView(AdminOnly, BaseView):
    """Anonymous readers are sent to sign in, other users get a 403, as everywhere in the panel.
    Every change is logged (by the domain) with the admin's name."""

    @expose("/", methods=("GET", "POST"))
    def index(self):
        settings = site_settings.current()
        form = _form(settings)
        status = 200
        if request.method == "POST" and form.validate():
            try:
                saved = site_settings.save(form.values(), current_user)
            except ValidationError as error:
                _attach(form, error)
                status = 422
            else:
                message = "Site settings saved."
                if saved.reindexed is not None:
                    message += (
                        f" Search now reads {saved.settings.search_language.capitalize()}: "
                        f"{saved.reindexed} post(s) indexed again."
                    )
                flash(message, "success")
                return redirect(url_for(".index"))
        elif request.method == "POST":
            status = 422
        return (
            self.render(
                "admin/site_settings.html",
                form=form,
                settings=settings,
                defaults=current_app.config,
                services=site_settings.SOCIAL_SERVICES,
            ),
            status,
        )


def _attach(form: SiteSettingsForm, error: ValidationError) -> None:
    """The domain's messages by field; a list's (one per wrong row) go above its rows."""
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if isinstance(field, FieldList):
            form.row_errors[name] = messages
        elif field is not None:
            field.errors = [*(field.errors or []), *messages]
        else:
            form.form_errors.extend(messages)
