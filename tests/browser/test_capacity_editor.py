"""A factory signs in, adds a machine and idle windows, and sees them in the week view, in both languages."""

import re

import pytest
from sqlalchemy import select

from capacity.models import CalendarException, Machine

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"  # the password the create_user fixture sets




def test_factory_adds_machine_and_idle_windows_in_english_then_chinese(browser_sign_in, 
    live_server, page_factory, screenshot, db, factory_user, dummy_factory
):
    page = page_factory("en-US")
    browser_sign_in(page, live_server, factory_user)
    assert page.locator("[data-testid=factory-home]").is_visible()

    page.click("text=Capacity")
    page.click(f"text={dummy_factory.name}")
    page.click("[data-testid=add-machine]")
    page.fill("input[name=name]", "Haas VF-2 #9")
    page.select_option("select[name=process_code]", "cnc_mill_3ax")
    page.check("input[name=materials][value=al6061]")
    page.fill("input[name=envelope_x_mm]", "762")
    page.fill("input[name=envelope_y_mm]", "406")
    page.fill("input[name=envelope_z_mm]", "508")
    page.fill("input[name=best_tolerance_mm]", "0")  # a bad value first: the form names the field
    page.fill("input[name=hourly_rate_yuan]", "120")
    page.click("[data-testid=save-machine]")
    assert page.locator("small.error[data-field=best_tolerance_mm]").is_visible()
    page.fill("input[name=best_tolerance_mm]", "0.01")
    page.click("[data-testid=save-machine]")
    page.wait_for_url(re.compile(r"/capacity/machines/\d+"))

    # Weekly pattern: Monday and Tuesday nights 20:00-06:00, shown from next week's Monday.
    machine_url = page.url.split("?")[0]
    page.goto(f"{machine_url}?week=2026-11-23")
    page.check("input[name=w-weekdays][value='0']")
    page.check("input[name=w-weekdays][value='1']")
    page.fill("input[name=w-start]", "20:00")
    page.fill("input[name=w-end]", "06:00")
    page.click("[data-testid=add-weekly]")
    page.wait_for_selector("[data-testid=idle-block]")
    blocks = page.locator("[data-testid=idle-block]")
    assert blocks.count() == 4  # Mon evening, Tue morning + evening, Wed morning
    monday = page.locator(".week-day[data-date='2026-11-23'] [data-testid=idle-block]")
    assert monday.inner_text() == "20:00–24:00"
    assert "4.0 h idle" in page.locator(".week-day[data-date='2026-11-23'] .week-total").inner_text()

    # A one-off window on Saturday.
    page.select_option("select[name=x-kind]", "open")
    page.fill("input[name=x-starts_at]", "2026-11-28T09:00")
    page.fill("input[name=x-ends_at]", "2026-11-28T13:00")
    page.click("[data-testid=add-exception]")
    page.wait_for_selector(".week-day[data-date='2026-11-28'] [data-testid=idle-block]")
    assert page.locator(".week-day[data-date='2026-11-28'] [data-testid=idle-block]").inner_text() == "09:00–13:00"
    screenshot(page, "capacity-week-view-en")

    # Switch to Chinese: the same week view, every label in Chinese.
    page.click("[data-testid=lang-zh_Hans_CN]")
    page.wait_for_selector("text=空闲产能（周视图）")
    assert "Idle capacity" not in page.content()
    assert "空闲 4.0 小时" in page.locator(".week-day[data-date='2026-11-23'] .week-total").inner_text()
    page.select_option("select[name=x-kind]", "blackout")
    page.fill("input[name=x-starts_at]", "2026-11-24T02:00")
    page.fill("input[name=x-ends_at]", "2026-11-24T01:00")
    page.click("[data-testid=add-exception]")
    assert page.locator("small.error[data-field=x-ends_at]").inner_text() == "结束时间必须晚于开始时间。"
    screenshot(page, "capacity-week-view-zh")

    db.session.rollback()
    machine = db.session.scalars(select(Machine).where(Machine.name == "Haas VF-2 #9")).one()
    assert machine.best_tolerance_mm == 0.01 and len(machine.weekly_windows) == 2
    assert [e.kind for e in db.session.scalars(select(CalendarException))] == ["open"]


def test_chinese_browser_gets_chinese_sign_in(live_server, page_factory, screenshot):
    page = page_factory("zh-CN")
    page.goto(f"{live_server}/sign-in")
    assert page.locator("h1").inner_text() == "登录"
    page.click("[data-testid=sign-in]")
    assert page.locator("small.error[data-field=email]").inner_text() == "请输入邮箱地址。"
    screenshot(page, "sign-in-zh")
