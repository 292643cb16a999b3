"""What must hold for every figure the operator sees. `violations(figures)` returns one line per broken rule of a
dashboard payload (`services.page`); the tests run it on randomised worlds and on the demo cluster.

- rates (utilisation of every group, day and cell and of the cluster; quote-to-order; on-time) between 0 and 1,
  and the cluster's utilisation between its lowest and highest day's — booked time outside
  offered windows is reported apart (`outside_h`), never counted, so utilisation cannot pass 100 %;
- booked ≤ offered wherever utilisation is shown;
- lead times ≥ 0 days;
- the order funnel never grows from one stage to the next (posted ≥ quoted ≥ accepted ≥ completed);
- money figures ≥ 0, and a voucher programme's used + remaining = its budget;
- money flows add up: captured + voucher subsidies = payouts + platform fees + refunds + disputes lost + held, and
  GMV = captured − refunded.
"""

from __future__ import annotations


def _rate(name: str, value, out: list[str]) -> None:
    if value is not None and not 0 <= value <= 1:
        out.append(f"{name} = {value} is outside 0..1")


def violations(figures: dict) -> list[str]:
    out: list[str] = []
    for item in figures["utilisation"]["items"]:
        _rate(f"utilisation[{item['label']}]", item.get("utilisation"), out)
        if item.get("booked_h", 0) > item.get("offered_h", 0) + 0.05:
            out.append(f"utilisation[{item['label']}]: booked {item['booked_h']} h > offered {item['offered_h']} h")
    for cell in figures["heatmap"]["cells"]:
        _rate(f"heatmap{cell[:2]}", cell[2], out)
    for series in figures["trend"]["series"]:
        for value in series["values"]:
            _rate(f"trend[{series.get('label')}]", value, out)
    kpis = {k["key"]: k for k in figures["kpis"]["items"]}
    _rate("quote_to_order", kpis["quote_to_order"]["value"], out)
    _rate("on_time_rate", kpis["on_time_rate"]["value"], out)
    _rate("utilisation (cluster)", kpis["utilisation"]["value"], out)
    days = [v for series in figures["trend"]["series"][:1] for v in series["values"] if v is not None]
    if kpis["utilisation"]["value"] is not None and days:
        low, high = min(days), max(days)
        if not low - 0.0001 <= kpis["utilisation"]["value"] <= high + 0.0001:
            out.append(f"cluster utilisation {kpis['utilisation']['value']} outside its days' {low}..{high}")
    lead = kpis["average_lead_time_days"]["value"]
    if lead is not None and lead < 0:
        out.append(f"average lead time {lead} days < 0")
    stages = kpis["order_funnel"]["value"]["stages"]
    order = ("posted", "quoted", "accepted", "completed")
    for first, second in zip(order, order[1:]):
        if stages[second] > stages[first]:
            out.append(f"funnel: {second} {stages[second]} > {first} {stages[first]}")
    for key in ("gmv_fen", "platform_fees_fen"):
        if (kpis[key]["value"] or 0) < 0:
            out.append(f"{key} = {kpis[key]['value']} < 0")
    flows = kpis["money_flows"]["value"]
    if flows is not None:
        if any(v < 0 for v in flows.values()):
            out.append(f"money flows: a negative figure in {flows}")
        inflow = flows["captured_fen"] + flows["subsidies_fen"]
        outflow = (flows["payouts_fen"] + flows["fees_fen"] + flows["refunded_fen"] + flows["disputes_lost_fen"]
                   + flows["held_fen"])
        if inflow != outflow:
            out.append(f"money flows: in {inflow} != out {outflow} (payouts, fees, refunds, lost, held)")
        gmv = kpis["gmv_fen"]["value"]
        if (gmv or 0) != flows["captured_fen"] - flows["refunded_fen"]:
            out.append(f"GMV {gmv} != captured - refunded {flows['captured_fen'] - flows['refunded_fen']}")
    budget = kpis["voucher_budget"]["value"]
    for programme in (budget or {}).get("programmes", []):
        if programme["used_fen"] + programme["remaining_fen"] != programme["budget_fen"] or programme["used_fen"] < 0:
            out.append(f"voucher programme {programme['name']}: used + remaining != budget")
    return out
