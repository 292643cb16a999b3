"""Pages: the operator's credit list and capability map; a firm's credit profile (the firm itself and its operator)."""

from __future__ import annotations

import json

from flask import Blueprint, abort, render_template
from flask_login import current_user

from marketplace.accounts.auth import firm_required
from marketplace.credit import services
from marketplace.credit.api import open_map
from marketplace.credit.capability import capability_map
from marketplace.credit.wording import FACTOR_NAMES, GRADE_NOTES, explain
from marketplace.extensions import db
from marketplace.wording import process_names

credit_web = Blueprint("credit", __name__, url_prefix="/credit")
MAP_DAYS = 30


@credit_web.route("")
@firm_required("operator")
def index():
    return render_template("credit/index.html", rows=services.profiles(current_user.firm.cluster_id),
                           grade_notes=GRADE_NOTES)


@credit_web.route("/<int:firm_id>")
@firm_required()
def profile(firm_id: int):
    firm = services.visible(current_user.firm, firm_id)
    if firm is None:
        abort(404)
    return render_template("credit/profile.html", p=services.profile(firm), names=FACTOR_NAMES, explain=explain,
                           grade_notes=GRADE_NOTES)


@credit_web.route("/capabilities")
@firm_required("operator")
def capabilities():
    cluster = current_user.firm.cluster
    first, last = open_map(cluster, MAP_DAYS)
    rows = capability_map(db.session, cluster.id, first, last)
    names = process_names()
    markers = {}
    for row in rows:
        for site in row["sites"]:
            marker = markers.setdefault(site["id"], {"lat": site["lat"], "lon": site["lon"], "processes": []})
            marker["processes"].append(names.get(row["process"], row["process"]))
            marker["title"] = f"{site['firm']} · {site['name']}: {', '.join(marker['processes'])}"
    return render_template("credit/capabilities.html", rows=rows, names=names, first=first, last=last,
                           markers=json.dumps([{k: m[k] for k in ("lat", "lon", "title")} for m in markers.values()],
                                              ensure_ascii=False))
