from wtforms import StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional

from blog.domain.tags import TAG_FIELD_MAX
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
    preview = SubmitField("Preview")
    save_draft = SubmitField("Save draft")
    publish = SubmitField("Publish")

    def fields_for_domain(self) -> dict:
        return {
            "title": self.title.data,
            "description": self.description.data or "",
            "body": self.body.data,
            "tags": self.tags.data or "",
            "cover_image": self.cover_image.data or None,
        }
