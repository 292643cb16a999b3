"""Language and time zone: Simplified Chinese and English, chosen by a switch or from the browser."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_babel import format_datetime, get_locale
from flask_login import current_user

from marketplace.db_types import utcnow

SUPPORTED = ("zh_Hans_CN", "en")
LANGUAGE_NAMES = {"zh_Hans_CN": "中文", "en": "English"}


def select_locale() -> str:
    if not has_request_context():  # commands and workers: messages in English
        return "en"
    chosen = session.get("locale")
    if chosen in SUPPORTED:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in SUPPORTED:
        return current_user.locale
    if request.path.startswith("/api/"):  # API clients get English unless they ask for Chinese
        best = request.accept_languages.best_match(["en", "zh-CN", "zh"], default="en")
        return "zh_Hans_CN" if best.startswith("zh") else "en"
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best and best.startswith("zh"):
        return "zh_Hans_CN"
    if best == "en":
        return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.firm.cluster.timezone
    return current_app.config["CLUSTER_TIMEZONE"]


def is_chinese() -> bool:
    return str(get_locale()).startswith("zh")


def local_datetime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    return "" if value is None else format_datetime(value, fmt)


def local_span(start: datetime | None, end: datetime | None) -> str:
    """A time range in the user's zone: the end's time alone on the same local day, its date too when the range
    crosses midnight ("2026-12-02 20:00 – 12-03 04:14")."""
    if start is None:
        return ""
    if end is None:
        return local_datetime(start)
    zone = local_zone()
    same_day = start.astimezone(zone).date() == end.astimezone(zone).date()
    return f"{local_datetime(start)} – {local_datetime(end, 'HH:mm' if same_day else 'MM-dd HH:mm')}"


def yuan(fen: int | None) -> str:
    """Integer fen as a CNY amount, e.g. 123456 -> ¥1,234.56."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}¥{fen // 100:,}.{fen % 100:02d}"


def yuan_compact(fen: int | None) -> str:
    """A large amount for a figure card: ¥239.23万 in Chinese, ¥2.39M in English (exact below ¥100,000)."""
    if fen is None or abs(fen) < 10_000_000:
        return yuan(fen)
    sign, value = ("-" if fen < 0 else ""), abs(fen) / 100
    if is_chinese():
        return f"{sign}¥{value / 1e8:,.2f}亿" if value >= 1e8 else f"{sign}¥{value / 1e4:,.2f}万"
    return f"{sign}¥{value / 1e9:,.2f}B" if value >= 1e9 else f"{sign}¥{value / 1e6:,.2f}M"


def local_zone() -> ZoneInfo:
    return ZoneInfo(select_timezone())


def local_today() -> date:
    """Today in the cluster's (or the reader's) zone, on the app's clock (db_types.clock_at moves it)."""
    return utcnow().astimezone(local_zone()).date()


def local_input(moment: datetime | None) -> str:
    """A moment as the value of a datetime-local field in the reader's zone, e.g. 2026-12-05T08:00."""
    return "" if moment is None else moment.astimezone(local_zone()).strftime("%Y-%m-%dT%H:%M")


def from_local_input(raw: str) -> datetime | None:
    """A datetime-local field's value, read in the reader's zone; None if it is not one."""
    try:
        return datetime.strptime(raw.strip(), "%Y-%m-%dT%H:%M").replace(tzinfo=local_zone())
    except ValueError:
        return None


def init_app(app) -> None:
    app.jinja_env.filters["local_dt"] = local_datetime
    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.filters["local_input"] = local_input
    app.jinja_env.filters["yuan_compact"] = yuan_compact
    app.jinja_env.globals["local_span"] = local_span

    @app.context_processor
    def _i18n_globals():
        return {"current_locale": str(get_locale()), "language_names": LANGUAGE_NAMES, "is_chinese": is_chinese}
