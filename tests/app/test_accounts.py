"""Sign-in, CSRF, sessions, password hashing and API tokens."""

import re

from marketplace.accounts.models import ApiToken, User

PASSWORD = "correct horse battery"  # the password the create_user fixture sets


def csrf_token(client, path="/sign-in"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def test_password_is_hashed_with_scrypt(factory_user):
    assert factory_user.password_hash.startswith("scrypt:") and PASSWORD not in factory_user.password_hash
    assert factory_user.check_password(PASSWORD) and not factory_user.check_password("wrong")


def test_sign_in_requires_csrf_and_correct_password(csrf_app, factory_user):
    client = csrf_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    r = client.post("/sign-in", data={"email": factory_user.email, "password": PASSWORD})
    assert r.status_code == 400  # no CSRF token
    token = csrf_token(client)
    r = client.post("/sign-in", data={"email": factory_user.email, "password": "nope", "csrf_token": token})
    assert r.status_code == 422 and "Email or password is wrong" in r.get_data(as_text=True)
    r = client.post("/sign-in", data={"email": factory_user.email.upper(), "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200
    assert client.post("/sign-out").status_code == 400  # sign-out is a CSRF-protected POST
    r = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/home")})
    assert r.status_code == 302
    assert client.get("/home").status_code == 302


def test_open_redirect_is_refused(client, factory_user):
    r = client.post("/sign-in?next=https://evil.example/", data={"email": factory_user.email, "password": PASSWORD})
    assert r.headers["Location"] == "/home"
    client.post("/sign-out")
    r = client.post("/sign-in?next=/capacity/", data={"email": factory_user.email, "password": PASSWORD})
    assert r.headers["Location"] == "/capacity/"


def test_inactive_user_cannot_sign_in(client, db, factory_user):
    factory_user.active = False
    db.session.commit()
    r = client.post("/sign-in", data={"email": factory_user.email, "password": PASSWORD})
    assert r.status_code == 422


def test_token_lifecycle(api_as, client, db, factory_user):
    api = api_as(factory_user)
    r = api.post("/api/v1/tokens", json={"name": "ERP sync"})
    assert r.status_code == 201 and r.json["token"].startswith("smp_")
    secret, token_id = r.json["token"], r.json["id"]
    stored = db.session.get(ApiToken, token_id)
    assert stored.token_hash != secret and secret not in stored.token_hash
    assert "token" not in api.get("/api/v1/tokens").json[0]  # the secret is never shown again
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json["email"] == factory_user.email
    assert api.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert r.status_code == 401 and r.json["code"] == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer smp_forged"}).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_token_name_is_validated(api_as, factory_user, db):
    r = api_as(factory_user).post("/api/v1/tokens", json={"name": "x" * 101})
    assert r.status_code == 422 and "name" in r.json["errors"]
    assert db.session.query(ApiToken).filter_by(name="x" * 101).count() == 0


def test_cookie_authenticated_api_writes_need_the_csrf_header(csrf_app, factory_user, dummy_factory):
    client = csrf_app.test_client()
    token = csrf_token(client)
    client.post("/sign-in", data={"email": factory_user.email, "password": PASSWORD, "csrf_token": token})
    assert client.get("/api/v1/factories").status_code == 200  # reads with the session cookie are fine
    body = {"name": "P2", "latitude": 22.8, "longitude": 113.8}
    assert client.post("/api/v1/factories", json=body).status_code == 403
    r = client.post("/api/v1/factories", json=body, headers={"X-CSRFToken": csrf_token(client, "/home")})
    assert r.status_code == 201


def test_account_page_creates_and_revokes_tokens(app, client, db, factory_user):
    client.post("/sign-in", data={"email": factory_user.email, "password": PASSWORD})
    r = client.post("/account", data={"name": "Shop-floor tablet"})
    html = r.get_data(as_text=True)
    secret = re.search(r'data-testid="new-token">(smp_[^<]+)<', html).group(1)
    machine_client = app.test_client()  # no session cookie: the token alone authenticates
    assert machine_client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    token = db.session.query(ApiToken).filter_by(name="Shop-floor tablet").one()
    client.post(f"/account/tokens/{token.id}/revoke")
    assert machine_client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_firm_profile_owner_edits_staff_cannot(client, db, factory_firm, factory_user, create_user, create_firm):
    create_firm("buyer", name="Taken name")
    client.post("/sign-in", data={"email": factory_user.email, "password": PASSWORD})
    r = client.post("/firm", data={"name": "Taken name"})
    assert r.status_code == 422 and factory_firm.name == "Jinhui Precision"
    r = client.post("/firm", data={"name": "Jinhui Precision Ltd", "credit_code": "91441900MA4UJ1234X"})
    assert r.status_code == 302
    db.session.refresh(factory_firm)
    assert factory_firm.name == "Jinhui Precision Ltd"
    r = client.post("/firm", data={"name": "Jinhui", "credit_code": "123"})
    assert r.status_code == 422
    staff = create_user(factory_firm, role="staff")
    client.post("/sign-out")
    client.post("/sign-in", data={"email": staff.email, "password": PASSWORD})
    assert client.post("/firm", data={"name": "Hijack"}).status_code == 403
    assert db.session.get(User, staff.id).firm.name == "Jinhui Precision Ltd"


def test_firm_api_patch_rules(api_as, factory_firm, factory_user, create_user):
    api = api_as(factory_user)
    assert api.patch(f"/api/v1/firms/{factory_firm.id}", json={"email": "not-an-email"}).status_code == 422
    assert (
        api.patch(f"/api/v1/firms/{factory_firm.id}", json={"phone": "0769-85530000"}).json["phone"] == "0769-85530000"
    )
    staff = api_as(create_user(factory_firm, role="staff"))
    assert staff.patch(f"/api/v1/firms/{factory_firm.id}", json={"phone": "1"}).status_code == 403


def test_owner_manages_the_team_by_api(api_as, app, db, factory_firm, factory_user, create_user):
    api = api_as(factory_user)
    r = api.post("/api/v1/users", json={"email": "Li.Na@Example.com", "name": "李娜"})
    assert r.status_code == 202 and r.json["status"] == "invited" and "password" not in r.json
    assert "email" in api.post("/api/v1/users", json={"email": "not-an-email", "name": "X"}).json["errors"]
    staff = create_user(factory_firm, role="staff", email="li.na@example.com")
    assert api.post("/api/v1/users", json={"email": "li.na@example.com", "name": "Dup"}).status_code == 422
    assert api_as(staff).post("/api/v1/users", json={"email": "y@example.com", "name": "Y"}).status_code == 403
    r = api.patch(f"/api/v1/users/{factory_user.id}", json={"role": "staff"})
    assert r.status_code == 422 and "role" in r.json["errors"]  # the last owner cannot step down
    assert api.patch(f"/api/v1/users/{staff.id}", json={"active": False}).json["active"] is False
    assert (
        app.test_client()
        .post("/sign-in", data={"email": "li.na@example.com", "password": PASSWORD})
        .status_code
        == 422
    )


def test_team_page_adds_colleagues(client, db, factory_user):
    client.post("/sign-in", data={"email": factory_user.email, "password": PASSWORD})
    r = client.post("/firm/team", data={"name": "Wang", "email": "not-an-email", "role": "staff", "password": "x"})
    assert r.status_code == 422 and 'data-field="email"' in r.get_data(as_text=True)
    r = client.post("/firm/team", data={"name": "Wang", "email": "wang@example.com", "role": "staff"})
    assert r.status_code == 302
    assert "wang@example.com" in client.get("/firm/team").get_data(as_text=True)
