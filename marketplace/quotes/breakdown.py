"""What a buyer sees of a quote's price (docs/payments.md, "Fee model"): the price of each process step — its
setup, run, material and one-offs, with the factories' overhead and margin spread over the steps in proportion —
transport, the factories' price (their sum), the platform fee inside the total, and the total. Never the
factories' overhead or margin as figures of their own; the cluster's operator sees the whole build-up."""

from __future__ import annotations

from marketplace.fees import split

PRODUCTION_KINDS = ("setup", "run", "lot_minimum", "material", "one_off")


def buyer_lines(brk: dict) -> list[dict]:
    """One line per process step (and one for transport): ``{process, fen, details}``; they sum to the subtotal.

    ``details`` are the step's own lines (labels, no money) for the buyer to see what the price is made of."""
    groups: dict[str, dict] = {}
    for line in brk["lines"]:
        if line["kind"] in PRODUCTION_KINDS:
            key = line.get("process") or ""
        elif line["kind"] == "transport":
            key = "transport"
        else:
            continue
        group = groups.setdefault(key, {"process": None if key == "transport" else key, "fen": 0, "details": []})
        group["fen"] += line["fen"]
        group["details"].append(line)
    extra = brk["subtotal_fen"] - sum(g["fen"] for g in groups.values())  # overhead and margin
    weights = {k: g["fen"] for k, g in groups.items() if g["fen"] > 0}
    if extra and weights:
        for key, fen in split(extra, weights).items():
            groups[key]["fen"] += fen
    return list(groups.values())
