"""Loading the signed-in user from a session or remember-me cookie.

The stored id carries the time of the last password change (:meth:`User.get_id`), so changing the
password signs out every other browser that still holds an old session or remember-me cookie.
"""

from __future__ import annotations

from blog.extensions import db, login_manager
from blog.models import User


@login_manager.user_loader
def load_user(value: str) -> User | None:
    user_id = value.partition(":")[0]
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.is_disabled or user.get_id() != value:
        return None
    return user
