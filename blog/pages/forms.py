from wtforms import BooleanField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from blog.forms import Form
from blog.models.page import (
    NAVIGATION_POSITION_MAX,
    PAGE_BODY_MAX,
    PAGE_SLUG_MAX,
    PAGE_TITLE_MAX,
)


class PageForm(Form):
    """The fields of a page; the buttons are the post editor's, so the editor looks the same."""

    title = StringField("Title", validators=[DataRequired(), Length(max=PAGE_TITLE_MAX)])
    slug = StringField(
        "Address",
        validators=[Length(max=PAGE_SLUG_MAX)],
        description="The page's address after the site's: about for /about. Leave it empty to "
        "make one from the title. Lower-case letters, digits and hyphens.",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )
    body = TextAreaField(
        "Body",
        validators=[DataRequired(), Length(max=PAGE_BODY_MAX)],
        description="Markdown: # headings, **bold**, _italic_, [links](https://…), lists, "
        "```code```, > quotes, tables.",
        render_kw={"rows": 18, "spellcheck": "true"},
    )
    in_navigation = BooleanField(
        "Link it in the site's navigation", description="Once it is published."
    )
    navigation_position = IntegerField(
        "Position in the navigation",
        validators=[Optional(), NumberRange(min=0, max=NAVIGATION_POSITION_MAX)],
        description="Smaller numbers come first.",
        render_kw={"inputmode": "numeric", "min": 0, "max": NAVIGATION_POSITION_MAX},
    )
    preview = SubmitField("Preview")
    save_draft = SubmitField("Save draft")
    publish = SubmitField("Publish")

    def fields_for_domain(self) -> dict:
        return {
            "title": self.title.data,
            "body": self.body.data,
            "slug": self.slug.data or "",
            "in_navigation": bool(self.in_navigation.data),
            "navigation_position": self.navigation_position.data or 0,
        }
