"""REST API for the signed-in user, firms and API tokens."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from marketplace.accounts import invitations, services
from marketplace.accounts.auth import require_owner
from marketplace.accounts.models import ApiToken, Firm, User
from marketplace.accounts.schemas import (
    FirmListArgs,
    FirmSchema,
    InvitationSchema,
    MeSchema,
    NewTokenSchema,
    TokenSchema,
    UserSchema,
    UserUpdateSchema,
)
from marketplace.api_common import api_blueprint, page_of, paginate
from marketplace.db_types import utcnow
from marketplace.errors import FieldError
from marketplace.extensions import db
from marketplace.security import ratelimit
from marketplace.tenancy import current_firm

accounts_blp = api_blueprint("accounts_api", __name__, "", "The signed-in user, firms and API tokens")


@accounts_blp.route("/me")
class Me(MethodView):
    @accounts_blp.response(200, MeSchema)
    def get(self):
        """Who am I"""
        return current_user


@accounts_blp.route("/firms")
class Firms(MethodView):
    @accounts_blp.arguments(FirmListArgs, location="query")
    @accounts_blp.response(200, page_of(FirmSchema))
    def get(self, args):
        """Your firm (operators: every firm of the cluster)"""
        firm = current_firm()
        stmt = select(Firm).order_by(Firm.id)
        stmt = stmt.where(Firm.cluster_id == firm.cluster_id) if firm.is_operator else stmt.where(Firm.id == firm.id)
        if "kind" in args:
            stmt = stmt.where(getattr(Firm, f"is_{args['kind']}").is_(True))
        if args.get("q"):
            stmt = stmt.where(
                or_(Firm.name.contains(args["q"], autoescape=True), Firm.address.contains(args["q"], autoescape=True))
            )
        return paginate(stmt, args)


def _readable_firm(firm_id: int) -> Firm:
    me = current_firm()
    firm = db.session.get(Firm, firm_id)
    if firm is None or not (firm.id == me.id or (me.is_operator and firm.cluster_id == me.cluster_id)):
        abort(404, f"No firm with id {firm_id}.")
    return firm


@accounts_blp.route("/firms/<int:firm_id>")
class FirmItem(MethodView):
    @accounts_blp.response(200, FirmSchema)
    def get(self, firm_id):
        """One firm"""
        return _readable_firm(firm_id)

    @accounts_blp.arguments(FirmSchema(partial=True))
    @accounts_blp.response(200, FirmSchema)
    def patch(self, data, firm_id):
        """Change your firm's profile (owners only)"""
        firm = _readable_firm(firm_id)
        if firm.id != current_firm().id:
            abort(403, _("Cluster operators can read but not change a firm's records."))
        require_owner()
        if "name" in data and db.session.scalar(
            select(Firm.id).where(Firm.cluster_id == firm.cluster_id, Firm.name == data["name"], Firm.id != firm.id)
        ):
            raise FieldError("name", _("'%(name)s' is already used by another firm in this cluster.",
                                       name=data["name"]))
        for key, value in data.items():
            setattr(firm, key, value)
        db.session.commit()
        return firm


@accounts_blp.route("/tokens")
class Tokens(MethodView):
    decorators = [ratelimit.limited(ratelimit.TOKEN_CREATION)]

    @accounts_blp.response(200, TokenSchema(many=True))
    def get(self):
        """Your API tokens"""
        return db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id)
        ).all()

    @accounts_blp.arguments(TokenSchema)
    @accounts_blp.response(201, NewTokenSchema)
    def post(self, data):
        """Create a token; the secret is in the response only"""
        token, secret = ApiToken.issue(current_user, data["name"])
        db.session.add(token)
        db.session.commit()
        token.token = secret
        return token


@accounts_blp.route("/tokens/<int:token_id>")
class TokenItem(MethodView):
    @accounts_blp.response(204)
    def delete(self, token_id):
        """Revoke a token"""
        token = db.session.get(ApiToken, token_id)
        if token is None or token.user_id != current_user.id:
            abort(404, f"No token with id {token_id}.")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            db.session.commit()


@accounts_blp.route("/users")
class Users(MethodView):
    @accounts_blp.response(200, UserSchema(many=True))
    def get(self):
        """Your firm's users"""
        return db.session.scalars(select(User).where(User.firm_id == current_firm().id).order_by(User.id)).all()

    @accounts_blp.arguments(InvitationSchema)
    @accounts_blp.response(202, InvitationSchema)
    def post(self, data):
        """Invite a colleague to your firm (owners only): an e-mail with a link follows. The answer is the same
        whether or not the address already has an account elsewhere (only the mailbox learns that)."""
        require_owner()
        invitation = invitations.invite(current_firm(), current_user, data["email"], data["name"], data["role"],
                                        str(get_locale()))
        db.session.commit()
        return invitation


@accounts_blp.route("/users/<int:user_id>")
class UserItem(MethodView):
    @accounts_blp.response(200, UserSchema)
    def get(self, user_id):
        """One of your firm's users"""
        return _own_user(user_id)

    @accounts_blp.arguments(UserUpdateSchema(partial=True))
    @accounts_blp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Change a colleague's name, role, password or deactivate them (owners only)"""
        user = _own_user(user_id)
        require_owner()
        services.update_user(current_user, user, data)
        db.session.commit()
        return user


def _own_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.firm_id != current_firm().id:
        abort(404, f"No user with id {user_id}.")
    return user


BLUEPRINTS = (accounts_blp,)
