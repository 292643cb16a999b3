"""The capability map counts the dashboard's hours: per process, the same offered and booked hours as utilisation by
process for the same days, on the hand-checked week (cnc_mill_3ax 50 h offered, 7 h booked; anodise 29 h, 6 h)."""

from __future__ import annotations

from datetime import date

from marketplace.credit.capability import capability_map


def test_the_map_agrees_with_utilisation_by_process(db, world, api_as, h):
    client = api_as(world.operator)
    by_process = {row["key"]: row for row in client.get(
        "/api/v1/dashboard/utilisation", query_string=h.RANGE | {"group_by": "process"}).json["items"]}
    first, last = date.fromisoformat(h.RANGE["start"]), date.fromisoformat(h.RANGE["end"])
    rows = {r["process"]: r for r in capability_map(db.session, world.cluster.id, first, last)}
    assert set(rows) == {"cnc_mill_3ax", "anodise"}
    for process, row in rows.items():
        assert (row["offered_h"], row["booked_h"]) == (by_process[process]["offered_h"],
                                                       by_process[process]["booked_h"]), process
        assert row["free_h"] == round(row["offered_h"] - row["booked_h"], 1)
    mills = rows["cnc_mill_3ax"]
    assert (mills["offered_h"], mills["booked_h"], mills["machines"], mills["units"]) == (50, 7, 2, 3)
    assert mills["firms"] == 1
    assert [s["name"] for s in mills["sites"]] == ["North", "South"]
    assert list(rows) == ["cnc_mill_3ax", "anodise"]  # most free hours first: 43 h before 23 h


def test_only_operators_read_the_map(world, api_as):
    assert api_as(world.buyer_user).get("/api/v1/capability-map").status_code == 403
    response = api_as(world.operator).get("/api/v1/capability-map", query_string={"days": 0})
    assert response.status_code == 422 and "days" in response.json["errors"]
    assert api_as(world.operator).get("/api/v1/capability-map").status_code == 200
