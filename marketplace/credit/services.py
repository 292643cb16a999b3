"""Credit profiles for the operator (every firm of the cluster) and for a firm itself; nobody else sees one."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.accounts.models import Firm
from marketplace.credit import scoring
from marketplace.credit.facts import facts_of
from marketplace.db_types import utcnow
from marketplace.extensions import db


def may_see(viewer: Firm, firm: Firm) -> bool:
    """The firm itself and the operators of its cluster (a financier the firm applies to, once financing exists).
    Competitors and other clusters do not."""
    return viewer.id == firm.id or (viewer.is_operator and viewer.cluster_id == firm.cluster_id)


def visible(viewer: Firm, firm_id: int) -> Firm | None:
    """The firm whose profile `viewer` asks for, or None when it does not exist for the viewer."""
    firm = db.session.get(Firm, firm_id)
    return firm if firm is not None and may_see(viewer, firm) else None


def profiles(cluster_id: int) -> list[dict]:
    """Every firm of the cluster but operators: rated firms first, best score first."""
    firms = db.session.scalars(select(Firm).where(Firm.cluster_id == cluster_id, Firm.is_operator.is_(False))
                               .order_by(Firm.name)).all()
    facts = facts_of(db.session, firms, utcnow())
    rows = [scoring.score(facts[f.id]) | {"firm": f} for f in firms]
    return sorted(rows, key=lambda r: (r["thin"], -r["score"], r["firm"].name))


def profile(firm: Firm) -> dict:
    return scoring.score(facts_of(db.session, [firm], utcnow())[firm.id]) | {"firm": firm}
