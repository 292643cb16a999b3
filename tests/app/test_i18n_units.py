"""Amounts on figure cards: exact below ¥100,000, else in 万/亿 (Chinese) or M/B (English), never cut off."""

from flask_babel import force_locale

from marketplace.i18n import yuan, yuan_compact


def test_large_amounts_are_compact_in_each_language(app):
    with app.test_request_context():
        with force_locale("zh_Hans_CN"):
            assert yuan_compact(239_225_103) == "¥239.23万" and yuan_compact(31_000_000_000) == "¥3.10亿"
            assert yuan_compact(-239_225_103) == "-¥239.23万"
        with force_locale("en"):
            assert yuan_compact(239_225_103) == "¥2.39M"
        assert yuan_compact(9_999_999) == yuan(9_999_999) == "¥99,999.99" and yuan_compact(None) == ""
