"""The capability map: per process, the firms that offer it, their machines and units, the idle hours they offer
and have booked over the coming days (the dashboard's materialised days), and where their sites are."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from capacity.models import Factory, Machine
from marketplace.accounts.models import Firm
from marketplace.dashboard.models import MachineDay
from marketplace.dashboard.queries import hours, ratio


def capability_map(session, cluster_id: int, first: date, last: date) -> list[dict]:
    """One row per process of the cluster's active machines, most idle hours first."""
    machines = session.execute(
        select(Machine.id, Machine.process_code, Machine.units, Factory.id, Factory.name, Factory.latitude,
               Factory.longitude, Firm.id, Firm.name)
        .join(Factory, Factory.id == Machine.factory_id).join(Firm, Firm.id == Factory.firm_id)
        .where(Firm.cluster_id == cluster_id, Machine.active.is_(True))).all()
    minutes = dict(((machine_id), (int(offered), int(booked))) for machine_id, offered, booked in session.execute(
        select(MachineDay.machine_id, func.sum(MachineDay.offered_minutes), func.sum(MachineDay.booked_minutes))
        .where(MachineDay.cluster_id == cluster_id, MachineDay.day >= first, MachineDay.day <= last)
        .group_by(MachineDay.machine_id)))
    by_process: dict[str, dict] = defaultdict(lambda: {"machines": 0, "units": 0, "offered": 0, "booked": 0,
                                                       "firms": {}, "sites": {}})
    for machine_id, process, units, site_id, site, lat, lon, firm_id, firm in machines:
        row = by_process[process]
        offered, booked = minutes.get(machine_id, (0, 0))
        row["machines"] += 1
        row["units"] += units
        row["offered"] += offered
        row["booked"] += booked
        firm_row = row["firms"].setdefault(firm_id, {"id": firm_id, "name": firm, "machines": 0, "idle": 0})
        firm_row["machines"] += 1
        firm_row["idle"] += offered - booked
        row["sites"][site_id] = {"id": site_id, "name": site, "firm": firm, "lat": lat, "lon": lon}
    rows = []
    for process, row in by_process.items():
        firms = sorted(row["firms"].values(), key=lambda f: (-f["idle"], f["name"]))
        rows.append({"process": process, "firms": len(firms), "machines": row["machines"], "units": row["units"],
                     "offered_h": hours(row["offered"]), "booked_h": hours(row["booked"]),
                     "free_h": hours(row["offered"] - row["booked"]),
                     "utilisation": ratio(row["booked"], row["offered"]),
                     "top_firms": [{"id": f["id"], "name": f["name"], "machines": f["machines"],
                                    "free_h": hours(f["idle"])} for f in firms[:5]],
                     "sites": sorted(row["sites"].values(), key=lambda s: s["id"])})
    return sorted(rows, key=lambda r: (-r["free_h"], r["process"]))
