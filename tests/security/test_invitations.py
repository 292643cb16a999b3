"""Inviting colleagues without revealing other clusters' accounts: the answer is the same for a new address and for
one that has an account elsewhere; only the mailbox learns the difference (mail through a real SMTP server)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.db_types import utcnow


@pytest.fixture
def owner(create_firm, create_user):
    return create_user(create_firm("factory", name="Jinhui Precision"))


def link_in(message) -> str:
    return re.search(r"http://[^\s]+/invitations/\d+/[0-9a-f]+", message.get_content()).group(0).split("5000", 1)[1]


def test_invite_by_api_then_accept_by_link(app, db, api_as, owner, smtp_server, drain):
    from marketplace.accounts.models import User

    response = api_as(owner).post("/api/v1/users", json={"email": "Li.Na@Example.com", "name": "李娜"})
    assert response.status_code == 202
    assert response.json["status"] == "invited" and response.json["email"] == "li.na@example.com"
    assert smtp_server.messages == []            # no mail inside the request
    drain()
    [mail] = smtp_server.messages
    assert mail["To"] == "li.na@example.com" and "Jinhui Precision" in mail["Subject"]
    client = app.test_client()
    path = link_in(mail)
    assert 'data-testid="accept-invitation"' in client.get(path).get_data(as_text=True)
    accepted = client.post(path, data={"name": "李娜", "password": "a long password", "confirm": "a long password"})
    assert accepted.status_code == 302 and client.get("/account").status_code == 200  # signed in
    user = db.session.query(User).filter_by(email="li.na@example.com").one()
    assert user.firm_id == owner.firm_id and user.role == "staff"
    assert 'data-testid="used"' in app.test_client().get(path).get_data(as_text=True)


def test_answer_is_the_same_for_an_address_with_an_account_elsewhere(app, db, api_as, owner, smtp_server, drain,
                                                                       create_cluster, create_firm, create_user):
    from marketplace.accounts.models import User

    elsewhere = create_user(create_firm("buyer", cluster=create_cluster(slug="far")), email="taken@example.com")
    api = api_as(owner)
    fresh = api.post("/api/v1/users", json={"email": "new@example.com", "name": "A"})
    taken = api.post("/api/v1/users", json={"email": "taken@example.com", "name": "B"})
    assert fresh.status_code == taken.status_code == 202
    assert set(fresh.json) == set(taken.json) and fresh.json["status"] == taken.json["status"]
    team = app.test_client()
    team.post("/sign-in", data={"email": owner.email, "password": "correct horse battery"})
    html = team.get("/firm/team").get_data(as_text=True)
    assert "new@example.com" in html and "taken@example.com" in html   # both simply "invited"
    drain()
    to_taken = next(m for m in smtp_server.messages if m["To"] == "taken@example.com")
    assert "already has an account" in to_taken.get_content() and "/invitations/" not in to_taken.get_content()
    db.session.expire_all()
    assert db.session.get(User, elsewhere.id).firm_id == elsewhere.firm_id   # nobody was moved


def test_a_member_of_the_own_firm_is_refused_at_once(api_as, owner, create_user):
    colleague = create_user(owner.firm, role="staff")
    response = api_as(owner).post("/api/v1/users", json={"email": colleague.email, "name": "Again"})
    assert response.status_code == 422 and "email" in response.json["errors"]


def test_expired_and_forged_links(app, db, api_as, owner, smtp_server, drain):
    from marketplace.accounts.models import Invitation

    api_as(owner).post("/api/v1/users", json={"email": "late@example.com", "name": "Late"})
    drain()
    path = link_in(smtp_server.messages[0])
    invitation = db.session.query(Invitation).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client = app.test_client()
    assert 'data-testid="expired"' in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"name": "x", "password": "a long password", "confirm": "a long password"}) \
        .status_code == 200
    assert client.get(path[:-4] + "0000").status_code == 404


def test_team_page_invites_in_chinese(app, client, sign_in, owner, smtp_server, drain):
    sign_in(client, owner, language="zh")
    response = client.post("/firm/team", data={"name": "王伟", "email": "wang@example.com", "role": "staff"})
    assert response.status_code == 302
    assert "wang@example.com" in client.get("/firm/team").get_data(as_text=True)
    drain()
    [mail] = smtp_server.messages
    assert "邀请" in mail["Subject"] and "邀请" in mail.get_content()


def test_without_smtp_the_mail_is_written_to_the_mail_folder(app, api_as, owner, drain, tmp_path):
    app.config["MAIL_DIR"] = str(tmp_path / "mail")
    api_as(owner).post("/api/v1/users", json={"email": "file@example.com", "name": "F"})
    drain()
    [eml] = list((tmp_path / "mail").glob("*.eml"))
    assert b"file@example.com" in eml.read_bytes()
