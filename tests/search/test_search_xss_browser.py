"""A factory user names a site with an HTML payload: on the search map the tooltip shows the name as text, no
script runs (no dialog, no <img> planted), and the Content-Security-Policy would refuse it anyway."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
PAYLOAD = '"><img src=x onerror=alert(1)>'


def test_site_name_payload_is_text_on_the_map(db, live_server, browser, scene, browser_sign_in):
    scene.s1.name = PAYLOAD
    scene.s2.name = "<b>bold</b>"
    db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(10_000)
    page = context.new_page()
    dialogs, violations = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        browser_sign_in(page, live_server, scene.operator_user)
        page.goto(f"{live_server}/search/")
        page.wait_for_selector("#search-map.leaflet-container[data-ready]")
        markers = page.locator("#search-map .leaflet-interactive")
        seen = []
        for i in range(markers.count()):
            markers.nth(i).hover(force=True)
            page.wait_for_selector(".leaflet-tooltip")
            seen.append(page.locator(".leaflet-tooltip").last.inner_text())
        assert any(PAYLOAD in text for text in seen), seen
        assert any("<b>bold</b>" in text for text in seen), seen
        assert page.locator("#search-map img[src=x], .leaflet-tooltip img, .leaflet-tooltip b").count() == 0
        assert dialogs == []
    finally:
        context.close()
