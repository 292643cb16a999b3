"""Home pages per role, the language switch and a health check."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from capacity.models import Equipment, Factory, Machine
from marketplace.accounts.models import Firm
from marketplace.extensions import db
from marketplace.i18n import SUPPORTED
from marketplace.web.redirects import same_site

web = Blueprint("web", __name__)


@web.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    return redirect(url_for("web.home"))


@web.route("/home")
@login_required
def home():
    firm = current_user.firm
    panels = {}
    if firm.is_operator:
        as_int = db.Integer
        counts = (
            db.session.execute(
                select(
                    func.count(Firm.id).label("firms"),
                    func.sum(Firm.is_buyer.cast(as_int)).label("buyers"),
                    func.sum(Firm.is_factory.cast(as_int)).label("factory_firms"),
                    func.sum(Firm.is_lessor.cast(as_int)).label("lessors"),
                ).where(Firm.cluster_id == firm.cluster_id)
            )
            .one()
            ._asdict()
        )
        panels["operator"] = {
            **{key: value or 0 for key, value in counts.items()},
            "factories": db.session.scalar(select(func.count(Factory.id)).where(Factory.cluster_id == firm.cluster_id)),
            "machines": db.session.scalar(
                select(func.count(Machine.id)).join(Factory).where(Factory.cluster_id == firm.cluster_id)
            ),
            "equipment": db.session.scalar(
                select(func.count(Equipment.id)).where(Equipment.cluster_id == firm.cluster_id)
            ),
        }
    if firm.is_factory:
        panels["factory"] = db.session.scalars(
            select(Factory).where(Factory.firm_id == firm.id).order_by(Factory.name)
        ).all()
    if firm.is_lessor or firm.is_factory:
        panels["equipment"] = db.session.scalars(
            select(Equipment).where(Equipment.owner_firm_id == firm.id).order_by(Equipment.name)
        ).all()
    if firm.is_buyer:
        panels["buyer"] = db.session.scalars(
            select(Equipment)
            .where(Equipment.cluster_id == firm.cluster_id, Equipment.listed.is_(True))
            .order_by(Equipment.daily_rate_fen)
            .limit(5)
        ).all()
    return render_template("home.html", firm=firm, panels=panels)


@web.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code in SUPPORTED:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    target = request.form.get("next") or urlsplit(request.referrer or "").path
    return redirect(same_site(target, url_for("web.index")))


@web.route("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
