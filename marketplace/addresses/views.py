"""Page: the firm's saved delivery addresses (add with a map pin, remove)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.accounts.auth import firm_required
from marketplace.addresses import services
from marketplace.errors import FieldError
from marketplace.extensions import db

addresses_web = Blueprint("addresses", __name__, url_prefix="/firm/addresses")


@addresses_web.route("/", methods=["GET", "POST"])
@firm_required("buyer")
def index():
    firm, errors = current_user.firm, {}
    if request.method == "POST":
        try:
            form = request.form.to_dict() | {"delivery_address_id": "new", "save_address": ""}
            delivery = services.delivery_from_form(form, firm, firm.cluster)
            services.add(firm, delivery["address"], delivery["latitude"], delivery["longitude"],
                         request.form.get("address_label", ""), request.form.get("contact", ""))
            db.session.commit()
            flash(_("Address saved."), "success")
            return redirect(url_for("addresses.index"))
        except FieldError as exc:
            db.session.rollback()
            errors[exc.field] = exc.message
    return render_template("addresses/index.html", addresses=services.saved(firm), cluster=firm.cluster,
                           sites=services.reference_sites(firm.cluster), errors=errors), 422 if errors else 200


@addresses_web.route("/<int:address_id>/remove", methods=["POST"])
@firm_required("buyer")
def remove(address_id: int):
    if services.remove(current_user.firm, address_id):
        db.session.commit()
        flash(_("Address removed."), "success")
    return redirect(url_for("addresses.index"))
