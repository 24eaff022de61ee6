from tests.factories import PASSWORD, DraftFactory, PostFactory, UserFactory


def save_profile(client, **fields):
    data = {f"profile-{name}": value for name, value in fields.items()}
    return client.post("/settings", data={**data, "profile-save_profile": "Save profile"})


def change_password(client, current: str, new: str):
    data = {"password-current_password": current, "password-new_password": new}
    return client.post("/settings", data={**data, "password-change_password": "Change password"})


def test_profile_lists_published_posts_and_hides_drafts_from_others(client, auth, user):
    PostFactory(author=user, title="Visible post")
    DraftFactory(author=user, title="Secret draft")
    page = client.get("/@alice").data
    assert b"Visible post" in page and b"Secret draft" not in page
    auth.login()
    page = client.get("/@Alice").data
    assert b"Visible post" in page and b"Secret draft" in page


def test_unknown_profile_is_404(client, db):
    assert client.get("/@nobody").status_code == 404


def test_settings_update_profile(client, auth, user):
    auth.login()
    response = save_profile(
        client,
        username="alice2",
        email="alice2@example.com",
        bio="I write.",
        image="",
        current_password=PASSWORD,
    )
    assert response.status_code == 302
    assert user.username == "alice2" and user.bio == "I write."
    assert b"I write." in client.get("/@alice2").data


def test_settings_saves_a_bio_alone_keeping_username_and_email(client, auth, user):
    auth.login()
    response = save_profile(
        client, username="alice", email="ALICE@example.com", bio="Just the bio."
    )
    assert response.status_code == 302
    assert user.username == "alice" and user.bio == "Just the bio."


def test_settings_without_an_image_field_keep_the_avatar(client, auth, user, db):
    user.image_url = "https://images.example.com/alice.png"
    db.session.commit()
    auth.login()
    response = save_profile(client, username="alice", email="alice@example.com", bio="New bio")
    assert response.status_code == 302
    assert (user.bio, user.image_url) == ("New bio", "https://images.example.com/alice.png")


def test_settings_refuses_a_taken_username(client, auth, user):
    UserFactory(username="bob")
    auth.login()
    response = save_profile(client, username="Bob", email="alice@example.com")
    assert response.status_code == 422
    assert b"Username has already been taken" in response.data
    assert user.username == "alice"


def test_password_change_signs_out_other_browsers(app, client, auth, user):
    other_browser = app.test_client()
    other_browser.post("/login", data={"login": "alice", "password": PASSWORD, "remember": "y"})
    assert other_browser.get("/settings").status_code == 200
    auth.login()
    response = change_password(client, PASSWORD, "brand new password")
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200  # this browser stays signed in
    assert other_browser.get("/settings").status_code == 302  # the other one is signed out
    assert user.check_password("brand new password")


def test_password_change_needs_the_current_password(client, auth, user):
    auth.login()
    response = change_password(client, "not it", "brand new password")
    assert response.status_code == 422
    assert user.check_password(PASSWORD)
