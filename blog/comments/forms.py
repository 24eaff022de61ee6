from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from blog.forms import Form
from blog.models.post import COMMENT_MAX


class CommentForm(Form):
    body = TextAreaField(
        "Your comment",
        validators=[DataRequired(), Length(max=COMMENT_MAX)],
        description="Markdown: **bold**, _italic_, `code`, [links](https://…), lists and quotes.",
        render_kw={"rows": 4},
    )
    submit = SubmitField("Post comment")
