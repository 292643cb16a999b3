"""A time range shows the end's date when it crosses midnight in the user's zone (Asia/Shanghai here)."""

from datetime import UTC, datetime


def test_a_range_across_local_midnight_names_both_days(app):
    from marketplace.i18n import local_span

    with app.test_request_context("/"):
        evening = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)           # 20:00 in Shanghai
        assert local_span(evening, datetime(2026, 12, 2, 14, 0, tzinfo=UTC)) == "2026-12-02 20:00 – 22:00"
        assert local_span(evening, datetime(2026, 12, 2, 20, 14, tzinfo=UTC)) == "2026-12-02 20:00 – 12-03 04:14"
        assert local_span(evening, None) == "2026-12-02 20:00" and local_span(None, evening) == ""
