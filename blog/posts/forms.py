from datetime import UTC, datetime, timedelta, timezone

from wtforms import (
    DateTimeLocalField,
    HiddenField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from blog.domain.errors import ValidationError as DomainValidationError
from blog.domain.tags import TAG_FIELD_MAX
from blog.domain.uploads import clean_cover_image
from blog.forms import Form
from blog.models.post import BODY_MAX, COVER_IMAGE_MAX, DESCRIPTION_MAX, TITLE_MAX


class PostForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=TITLE_MAX)])
    description = TextAreaField(
        "Summary",
        validators=[DataRequired(), Length(max=DESCRIPTION_MAX)],
        description="One or two sentences shown on the home page and in link previews.",
        render_kw={"rows": 2},
    )
    body = TextAreaField(
        "Body",
        validators=[DataRequired(), Length(max=BODY_MAX)],
        description="Markdown: # headings, **bold**, _italic_, [links](https://…), lists, "
        "```code```, > quotes, tables.",
        render_kw={"rows": 18, "spellcheck": "true"},
    )
    tags = StringField(
        "Tags",
        validators=[Length(max=TAG_FIELD_MAX)],
        description="Comma-separated, for example: flask, python, tutorials.",
        render_kw={"autocomplete": "off"},
    )
    cover_image = URLField(
        "Cover image",
        validators=[Optional(), Length(max=COVER_IMAGE_MAX)],
        description="Shown on cards, above the post and in link previews: upload one, or give "
        "an image's address (https://…). Leave empty for none.",
        render_kw={"autocomplete": "off", "placeholder": "https://…"},
    )
    publish_at = DateTimeLocalField(
        "Publish at",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description="Leave empty to publish now; a time ahead makes Publish schedule the post.",
    )
    utc_offset = HiddenField(default="0")
    """Minutes east of UTC of the time in ``publish_at``: the browser's zone at that date, set by
    static/js/schedule.js; without JavaScript it stays 0 and the time is read as UTC."""
    preview = SubmitField("Preview")
    save_draft = SubmitField("Save draft")
    publish = SubmitField("Publish")
    publish_now = SubmitField("Publish now")

    def validate_utc_offset(self, field) -> None:
        if _offset_minutes(field.data) is None:
            raise ValidationError("The time zone offset isn't a number of minutes.")

    def publish_at_utc(self) -> datetime | None:
        """The time in ``publish_at`` with the author's offset, in UTC; None when empty."""
        local = self.publish_at.data
        if local is None:
            return None
        offset = timezone(timedelta(minutes=_offset_minutes(self.utc_offset.data) or 0))
        try:
            return local.replace(tzinfo=offset).astimezone(UTC)
        except OverflowError:  # a year 1 or 9999 pushed past the calendar's edge by its offset
            return local.replace(tzinfo=UTC)

    def cover_preview(self) -> str | None:
        """The cover to show in the editor: the address typed, if it is one a post may have (the
        browser fetches no address the post would be refused for)."""
        try:
            return clean_cover_image(self.cover_image.data)
        except DomainValidationError:
            return None

    def fields_for_domain(self) -> dict:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "body": self.body.data,
            "tags": self.tags.data or "",
            "cover_image": self.cover_image.data or None,
        }


MAX_OFFSET_MINUTES = 18 * 60


def _offset_minutes(raw: str | None) -> int | None:
    """An offset from UTC in minutes within ±18 hours (empty is UTC), else None."""
    try:
        minutes = int(raw or 0)
    except ValueError:
        return None
    return minutes if abs(minutes) <= MAX_OFFSET_MINUTES else None
