"""Site and machine names with an HTML payload reach the operator's charts as text: the heat map's tooltip (a custom
formatter) and the bar charts' default tooltips show the name, plant no element and run no script."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
PAYLOAD = '"><img src=x onerror=alert(1)>'


@pytest.mark.parametrize("figure", ["heatmap", "utilisation", "under-used"])
def test_names_in_chart_tooltips_are_text(db, live_server, browser, world, browser_sign_in, h, figure):
    world.north.name = PAYLOAD
    world.mill_a.name = PAYLOAD
    db.session.commit()
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        browser_sign_in(page, live_server, world.operator)
        group = "&group_by=machine" if figure == "utilisation" else ""
        page.goto(f"{live_server}/dashboard?start={h.RANGE['start']}&end={h.RANGE['end']}{group}")
        chart = f"[data-testid=chart-{figure}]"
        page.wait_for_selector(f"{chart}[data-ready='1']")
        texts = page.evaluate("""(selector) => {
            const chart = echarts.getInstanceByDom(document.querySelector(selector));
            const out = [];
            const n = chart.getOption().series[0].data.length;
            for (let i = 0; i < n; i++) {
                chart.dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: i});
                const tip = document.querySelector(selector).querySelector("div[style*='z-index']")
                    || document.querySelector(selector + " > div:last-child");
                out.push(tip ? tip.innerText : "");
            }
            return out;
        }""", chart)
        assert any(PAYLOAD in text for text in texts), texts
        assert page.locator("img[src=x]").count() == 0
        assert dialogs == []
    finally:
        context.close()
