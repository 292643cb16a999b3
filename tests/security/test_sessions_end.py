"""Sessions that end: a copy of the cookie dies with sign-out; a password change ends every other session and
revokes the API tokens unless they are kept on purpose."""

from __future__ import annotations

import pytest

PASSWORD = "correct horse battery"
NEW = "a brand new passphrase"


@pytest.fixture
def user(create_firm, create_user):
    return create_user(create_firm("buyer"))


def signed_in(app, sign_in, user):
    client = app.test_client()
    sign_in(client, user)
    assert client.get("/account").status_code == 200
    return client


def copy_of(app, client):
    """Another browser holding the same cookie (as a thief who copied it would)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie(cookie.key, cookie.value)
    return thief


def test_a_copied_cookie_stops_working_at_sign_out(app, sign_in, user):
    client = signed_in(app, sign_in, user)
    thief = copy_of(app, client)
    assert thief.get("/account").status_code == 200
    client.post("/sign-out")
    assert client.get("/account").status_code == 302
    response = thief.get("/account")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_password_change_ends_other_sessions_and_revokes_tokens(app, db, sign_in, user, token_for):
    here = signed_in(app, sign_in, user)
    elsewhere = signed_in(app, sign_in, user)
    token = token_for(user)
    response = here.post("/account/password", data={"pw-current_password": PASSWORD, "pw-new_password": NEW,
                                                    "pw-confirm": NEW})
    assert response.status_code == 302
    assert here.get("/account").status_code == 200          # this browser stays signed in
    assert elsewhere.get("/account").status_code == 302     # the other one is signed out
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert app.test_client().post("/sign-in", data={"email": user.email, "password": NEW}).status_code == 302


def test_password_change_can_keep_the_tokens(app, sign_in, user, token_for):
    here = signed_in(app, sign_in, user)
    token = token_for(user)
    here.post("/account/password", data={"pw-current_password": PASSWORD, "pw-new_password": NEW,
                                         "pw-confirm": NEW, "pw-keep_tokens": "y"})
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_wrong_current_password_changes_nothing(app, sign_in, user):
    here = signed_in(app, sign_in, user)
    elsewhere = signed_in(app, sign_in, user)
    response = here.post("/account/password", data={"pw-current_password": "nope", "pw-new_password": NEW,
                                                    "pw-confirm": NEW})
    assert response.status_code == 422 and "not your current password" in response.get_data(as_text=True)
    assert elsewhere.get("/account").status_code == 200


def test_owner_resetting_a_colleagues_password_signs_them_out(app, sign_in, create_user, user, token_for):
    colleague = create_user(user.firm, role="staff")
    their_browser = signed_in(app, sign_in, colleague)
    their_token = token_for(colleague)
    owner_token = token_for(user)
    response = app.test_client().patch(f"/api/v1/users/{colleague.id}", json={"password": NEW},
                                       headers={"Authorization": f"Bearer {owner_token}"})
    assert response.status_code == 200
    assert their_browser.get("/account").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {their_token}"}).status_code == 401
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {owner_token}"}).status_code == 200


def test_deactivating_a_colleague_ends_their_sessions(app, db, sign_in, create_user, user, token_for):
    from marketplace.accounts.models import UserSession

    colleague = create_user(user.firm, role="staff")
    signed_in(app, sign_in, colleague)
    app.test_client().patch(f"/api/v1/users/{colleague.id}", json={"active": False},
                            headers={"Authorization": f"Bearer {token_for(user)}"})
    assert db.session.query(UserSession).filter_by(user_id=colleague.id, ended_at=None).count() == 0


def test_sign_out_everywhere_else(app, sign_in, user):
    here = signed_in(app, sign_in, user)
    elsewhere = signed_in(app, sign_in, user)
    assert "Signed in on 1 other" in here.get("/account").get_data(as_text=True)
    here.post("/account/sessions/end-others")
    assert elsewhere.get("/account").status_code == 302
    assert here.get("/account").status_code == 200
