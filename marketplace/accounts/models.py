"""Clusters, firms, users and API tokens: who is on the platform and what they may see."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.db_types import UTCDateTime, utcnow
from marketplace.extensions import db


class Role(str, enum.Enum):
    OWNER = "owner"
    STAFF = "staff"


class FirmKind(str, enum.Enum):
    BUYER = "buyer"
    FACTORY = "factory"
    LESSOR = "lessor"
    OPERATOR = "operator"


class Cluster(db.Model):
    __tablename__ = "clusters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    region: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="Asia/Shanghai")
    center_lat: Mapped[float | None]
    center_lon: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    firms: Mapped[list[Firm]] = relationship(back_populates="cluster")


class Firm(db.Model):
    __tablename__ = "firms"
    __table_args__ = (UniqueConstraint("cluster_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("clusters.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    credit_code: Mapped[str] = mapped_column(String(18), nullable=False, default="")  # 统一社会信用代码
    is_buyer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_factory: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_lessor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_operator: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    contact_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    address: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    employees: Mapped[int | None] = mapped_column(Integer)  # headcount the firm states (voucher eligibility)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    stripe_customer_id: Mapped[str | None] = mapped_column(String(80))  # payments: the firm as a payer
    stripe_account_id: Mapped[str | None] = mapped_column(String(80))  # payments: connected account for payouts
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    cluster: Mapped[Cluster] = relationship(back_populates="firms")
    users: Mapped[list[User]] = relationship(back_populates="firm")

    @property
    def kinds(self) -> list[str]:
        return [k.value for k in FirmKind if getattr(self, f"is_{k.value}")]


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role in ('owner', 'staff')", name="role_known"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(10), nullable=False, default=Role.STAFF.value)
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    firm: Mapped[Firm] = relationship(back_populates="users")
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER.value

    @property
    def cluster_id(self) -> int:
        return self.firm.cluster_id


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is stored; the secret is shown once at creation."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    TOKEN_PREFIX = "smp_"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        secret = cls.TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, prefix=secret[:12], token_hash=cls.hash_secret(secret))
        return token, secret

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class UserSession(db.Model):
    """A signed-in browser. The cookie carries a random key; only its SHA-256 is stored. Signing out ends this row,
    a password change ends every other row of the user, so a copied cookie stops working (accounts/sessions.py)."""

    __tablename__ = "user_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_agent: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """An owner asked a colleague to join the firm. The link in the e-mail carries an HMAC of (id, nonce) under the
    app's secret key, so the link can be made again by a retried mail handler and no secret is stored."""

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint("role in ('owner', 'staff')", name="role_known"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), nullable=False, index=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    role: Mapped[str] = mapped_column(String(10), nullable=False, default=Role.STAFF.value)
    nonce: Mapped[str] = mapped_column(String(32), nullable=False)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    locale: Mapped[str] = mapped_column(String(16), nullable=False, default="zh_Hans_CN")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    firm: Mapped[Firm] = relationship()
    invited_by: Mapped[User] = relationship()
