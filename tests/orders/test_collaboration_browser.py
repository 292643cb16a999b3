"""In a real browser, in both languages: the buyer writes to the order's factories with a drawing attached; the
factory sees the unread mark and the inbox count, downloads the drawing, answers; an outsider gets 404."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n% bracket drawing\n%%EOF\n"


def test_thread_with_attachment_across_buyer_and_factory(browser_sign_in, live_server, page_factory, screenshot,
                                                          tmp_path, planned_order, buyer_user, shops, outsider_user,
                                                          drain):
    drawing = tmp_path / "支架图纸 rev B.pdf"
    drawing.write_bytes(PDF)
    order_url = f"{live_server}/orders/{planned_order['id']}"
    buyer = page_factory("zh-CN")
    browser_sign_in(buyer, live_server, buyer_user)
    buyer.goto(order_url)
    assert "长安镇振安路 88 号" in buyer.locator("[data-testid=delivery-address]").inner_text()
    buyer.fill("[data-testid=post-message] textarea[name=body]", "孔径公差能否做到 ±0.02？图纸见附件。")
    buyer.set_input_files("[data-testid=post-message] input[name=file]", str(drawing))
    buyer.click("[data-testid=send-message]")
    buyer.wait_for_selector("[data-testid=message-attachment]")
    assert buyer.locator("[data-testid=messages]").inner_text().count("±0.02") == 1
    screenshot(buyer, "order-thread-zh")
    buyer.click("[data-testid=nav-inbox]")
    kinds = buyer.locator("[data-testid=notifications] li")
    assert {kinds.nth(i).get_attribute("data-kind") for i in range(kinds.count())} == {"order_paid", "order_planned"}
    assert f"已收到订单 {planned_order['reference']} 的付款" in buyer.content()
    screenshot(buyer, "inbox-zh")

    mill = page_factory("en-US")
    browser_sign_in(mill, live_server, shops["mill_user"])
    mill.goto(f"{live_server}/orders")
    assert mill.locator(f"[data-testid=unread-{planned_order['id']}]").inner_text().endswith("1")
    for _ in range(60):                    # the runner thread makes the notification after the commit
        mill.goto(f"{live_server}/notifications/")
        if mill.locator("[data-testid=notifications] [data-kind=message]").count():
            break
        time.sleep(0.25)
    unread = mill.locator("[data-testid=notifications] [data-unread]")
    assert {unread.nth(i).get_attribute("data-kind") for i in range(unread.count())} == {"message", "work_assigned"}
    assert mill.locator("[data-testid=inbox-unread]").first.text_content() == "2"
    screenshot(mill, "inbox-en")
    mill.locator("[data-testid=notifications] [data-kind=message] button").click()
    assert mill.url == f"{order_url}#messages"
    assert "Deliver to" not in mill.content()          # milling is not the last step: anodising ships
    with mill.expect_download() as download:
        mill.click("[data-testid=message-attachment]")
    assert download.value.suggested_filename == "支架图纸 rev B.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
    mill.fill("[data-testid=post-message] textarea[name=body]", "Yes, ±0.02 is fine on our Haas.")
    mill.click("[data-testid=send-message]")
    mill.wait_for_selector("text=Haas")
    screenshot(mill, "order-thread-en")
    mill.goto(f"{live_server}/orders")
    assert mill.locator(f"[data-testid=unread-{planned_order['id']}]").count() == 0   # read when opened

    finisher = page_factory("en-US")
    browser_sign_in(finisher, live_server, shops["finish_user"])
    finisher.goto(order_url)
    assert "长安镇振安路 88 号" in finisher.locator("[data-testid=delivery-address]").inner_text()  # it ships
    attachment_href = finisher.locator("[data-testid=message-attachment]").get_attribute("href")

    outsider = page_factory("en-US")
    browser_sign_in(outsider, live_server, outsider_user)
    assert outsider.goto(f"{live_server}{attachment_href}").status == 404
    assert outsider.goto(order_url).status == 404
