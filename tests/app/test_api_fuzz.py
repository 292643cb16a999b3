"""Schemathesis over the OpenAPI spec (valid and invalid data), as each role: no request may cause a 5xx.

Every operation is included, `users` and `tokens` too: after each call the roles' users and tokens are restored
(a generated PATCH may deactivate the caller, change its password — which revokes its tokens — or revoke the token
it is using), so that every case runs as the principal it names.

Under TESTING an unhandled exception re-raises, so a server error fails the test with its traceback.
Hypothesis drives each operation's strategy directly (schemathesis' lazy pytest fixture does not run on pytest 9).
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

ROLES = ("buyer", "factory", "lessor", "operator")


@pytest.fixture
def app_config(app_config):
    return app_config | {"RATELIMIT_ENABLED": False}  # the limiter is not what is fuzzed (test_sign_in_limits is)


@pytest.fixture
def role_tokens(db, create_firm, create_user, create_factory, create_machine, create_equipment, token_for):
    """One user per role, and records with small ids that generated requests can hit."""
    tokens = {}
    for kind in ROLES:
        firm = create_firm(kind, *(("lessor",) if kind == "factory" else ()))
        tokens[kind] = token_for(create_user(firm))
        create_user(firm, role="staff")  # a colleague that generated user requests can hit
        if kind == "factory":
            site = create_factory(firm)
            create_machine(site)
            create_equipment(firm, site_factory_id=site.id, delivered_to_lessee=False)
    return tokens


def restore_principals(db):
    """Every role's user active and an owner with its password, every token of theirs working again."""
    from sqlalchemy import update

    from marketplace.accounts.models import ApiToken, User

    db.session.rollback()
    db.session.execute(update(User).values(active=True))
    db.session.execute(update(User).where(User.role == "owner").values(password_hash=PASSWORD_HASH))
    db.session.execute(update(ApiToken).values(revoked_at=None))
    db.session.commit()


PASSWORD_HASH = None


def test_no_server_errors_for_any_role(app, db, role_tokens):
    global PASSWORD_HASH
    from marketplace.accounts.models import User

    PASSWORD_HASH = db.session.scalars(db.select(User.password_hash)).first()
    app.config["PLANNING_TIME_LIMIT_S"] = 1.0  # generated re-planning requests should not each take seconds
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    cases = [(op, mode) for op in operations for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    for operation, mode in cases:

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case):
            for role in ROLES:
                response = case.call(headers={"Authorization": f"Bearer {role_tokens[role]}"})
                restore_principals(db)
                assert response.status_code < 500, (role, case.method, case.formatted_path, response.text[:300])
                if response.status_code >= 400:
                    assert set(response.json()) == {"code", "status", "message", "errors"}, (role, case.operation.label)

        check()
    assert {"/api/v1/users/{user_id}", "/api/v1/tokens/{token_id}"} <= {op.path for op, _ in cases}
