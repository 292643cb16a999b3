"""The platform's one fee rule (docs/payments.md, "Fee model").

The platform fee is *inside the buyer's price*: a quote's total is the factories' price plus ``PLATFORM_FEE_BP``
basis points of it, and on delivery the factories are paid the rest of what is held for the order in full — nothing
more is deducted from them. Every fee figure (the quote's fee line, an order's, the settlement's, a factory's
"You receive" and its statement) comes from these functions, so they agree to the fen.
"""

from __future__ import annotations

from flask import current_app


def fee_bp() -> int:
    """The fee in basis points of the factories' price (500 = 5 %)."""
    return int(current_app.config["PLATFORM_FEE_BP"])


def fee_rate() -> float:
    """The same fee as the fraction the quoting library's parameters take."""
    return fee_bp() / 10000


def fee_in(price_fen: int, bp: int | None = None) -> int:
    """The platform fee inside a buyer's price: price − round_half_up(price / (1 + bp/10000)).

    For a quote's total S + round_half_up(S × bp/10000) this is exactly the quote's fee line, for every S (the
    rounding error is below half a fen divided by 1 + bp/10000), so the order, the settlement and the quote agree."""
    bp = fee_bp() if bp is None else bp
    if price_fen <= 0:
        return 0
    net = (2 * price_fen * 10000 + (10000 + bp)) // (2 * (10000 + bp))  # half-up in integers
    return price_fen - net


def price_with_fee(net_fen: int, bp: int | None = None) -> int:
    """A buyer's price for the factories' price `net_fen`: net + round_half_up(net × bp/10000), the quote's rule,
    so `fee_in(price_with_fee(n)) == price_with_fee(n) - n` (a bid, an assembly step)."""
    bp = fee_bp() if bp is None else bp
    return net_fen + (2 * net_fen * bp + 10000) // 20000


def split(total: int, weights: dict) -> dict:
    """``total`` split in proportion to ``weights`` by the largest-remainder method (shares sum exactly to total)."""
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise ValueError("no positive weight to split by")
    base = {k: total * w // weight_sum for k, w in weights.items()}
    rest = total - sum(base.values())
    by_remainder = sorted(weights, key=lambda k: (-(total * weights[k] % weight_sum), k))
    for k in by_remainder[:rest]:
        base[k] += 1
    return base
