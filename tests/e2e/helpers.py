"""Small helpers shared by the browser journeys. Selectors are kept structural (form actions, input
names, element roles) so that they survive template rewrites."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")

LANGUAGE_SWITCH = 'form[action*="/i18n/setlang/"]'
# The two widths every journey that is done at the counter and on a phone is walked at.
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 800}}


def assert_ok(response, what: str) -> None:
    assert response is not None, f"{what}: no response"
    assert response.ok, f"{what}: HTTP {response.status} at {response.url}"


def path_of(page) -> str:
    return urlsplit(page.url).path


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang") or ""


def has_cjk(text: str) -> bool:
    return bool(CJK.search(text or ""))


def chrome_text(page) -> str:
    """The text of the page's own chrome (header and navigation) — what translation should change —
    falling back to the whole body when the template has neither."""
    chrome = page.locator("header, nav")
    if chrome.count():
        return " ".join(chrome.all_inner_texts())
    return page.locator("body").inner_text()


def switch_language(page, code: str) -> None:
    """Use the site's language switch: a form posting to /i18n/setlang/ with either one button per
    language (name="language" value=<code>) or a <select name="language"> that submits itself on
    change or has a submit button. Returns once the page in the new language has loaded."""
    forms = page.locator(LANGUAGE_SWITCH)
    expect(forms.first, "the page has no language switch (a form posting to /i18n/setlang/)").to_be_attached()
    form = forms.first

    button = form.locator(f'button[value="{code}"], input[type="submit"][value="{code}"]')
    if button.count():
        with page.expect_navigation():
            button.first.click()
        return

    select = form.locator('select[name="language"]')
    expect(
        select, f"the language switch has neither a {code!r} button nor a language <select>"
    ).to_have_count(1)
    try:
        with page.expect_navigation(timeout=3000):
            select.select_option(code)  # a switch that submits itself on change
        return
    except PlaywrightTimeoutError:
        pass
    with page.expect_navigation():
        form.locator('[type="submit"]').first.click()


def sign_on_pad(page) -> None:
    """Draw a stroke on the signature pad with the mouse (pointer events), then check it was captured."""
    pad = page.locator("[data-signature-pad]")
    canvas = pad.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 20, f"the signature pad is too small: {box}"
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.15, y + h * 0.6)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(x + w * (0.15 + 0.05 * step), y + h * (0.6 - 0.3 * (step % 2)), steps=3)
    page.mouse.up()
    signature = pad.locator("input[name='signature']")
    expect(signature).to_have_value(re.compile(r"^data:image/png;base64,"))


def click_and_wait(page, locator, what: str):
    """Click `locator`, wait for the page it leads to and check it answered; the page's response."""
    with page.expect_navigation() as landing:
        locator.click()
    assert_ok(landing.value, what)
    return landing.value


def sign_out(page) -> None:
    # Where signing out lands (the portal's home) is not the journeys' business.
    with page.expect_navigation():
        page.locator("form[action*='/logout/'] [type='submit']").first.click()


def act_on_request(page, action: str) -> None:
    """On a department's request page: open the action's panel entry (a <details>) if closed, fill in an
    opinion and tick the confirmation where the form asks for them, submit it, and see no error."""
    entry = page.locator(f"details#action-{action}")
    expect(entry, f"the action panel does not offer {action!r}").to_have_count(1)
    if entry.get_attribute("open") is None:
        entry.locator("summary").click()
    form = entry.locator(f"form:has(input[name='action'][value='{action}'])")
    if form.locator("textarea[name='note']").count():  # approve and refuse need an opinion (others take one)
        form.locator("textarea[name='note']").fill("同意")
    if form.locator("input[name='confirm']").count():  # … and a ticked confirmation
        form.locator("input[name='confirm']").check()
    with page.expect_navigation() as landing:
        form.locator("button[type='submit']").click()
    assert_ok(landing.value, f"after {action}")
    expect(page.locator(".cz-error-summary")).to_have_count(0)


def assert_fits(page) -> None:
    """Nothing on the page is wider than the window: on a 375 px phone the page scrolls only down."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url


def expect_wallet_qr(page, *, window_width: int) -> None:
    """The wallet order's QR code is shown, large enough to scan and whole inside the window."""
    qr = page.locator("[data-wallet-qr] svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= window_width


def pay_on_the_wallet_simulator(page, *, amount: str, screenshot, pay_page_screenshot=None) -> None:
    """What the resident's phone does with the QR: open the wallet simulator's pay page (the link the QR holds,
    in a new tab), check the amount, pay, and see it paid; screenshots of the paid page (and, if asked, of
    the pay page before paying) go to the paths given."""
    with page.context.expect_page() as popup_info:
        page.locator("[data-wallet-open]").click()
    phone = popup_info.value
    phone.wait_for_load_state()
    expect(phone.locator("[data-wallet-amount]")).to_contain_text(amount)
    if pay_page_screenshot is not None:
        phone.screenshot(path=str(pay_page_screenshot), full_page=True)
    with phone.expect_navigation():
        phone.locator("[data-wallet-pay]").click()
    expect(phone.locator("[data-wallet-outcome='paid']")).to_be_visible()
    phone.screenshot(path=str(screenshot), full_page=True)
    phone.close()


def checkout_for_pick_up(page, product, station, *, before_submit=None) -> None:
    """A signed-in resident puts one `product` in the basket and checks out for pick-up at `station`, as far
    as the choice of payment; `before_submit` is called with the fulfilment form filled in (a screenshot)."""
    assert_ok(page.goto(product.get_absolute_url()), "product page")
    with page.expect_navigation():
        page.locator("form[action*='/basket/add/'] [type='submit']").first.click()
    assert_ok(page.goto("/shop/checkout/"), "checkout")
    form = page.locator("form[data-fulfilment-form]")
    form.locator("select[name='station']").select_option(str(station.pk))
    form.locator("input[name='phone']").fill("13935000001")
    if before_submit:
        before_submit()
    with page.expect_navigation():
        form.locator("[type='submit']").click()
    page.wait_for_url(re.compile(r"/checkout/payment-method/"))


def choose_payment(page, provider: str, *, before_submit=None) -> None:
    """On the checkout's payment page: `provider` chosen, on to the preview page; `before_submit` as above."""
    page.locator(f"input[name='provider'][value='{provider}']").check()
    if before_submit:
        before_submit()
    with page.expect_navigation():
        page.locator("form[data-payment-method-form] [type='submit']").click()
    page.wait_for_url(re.compile(r"/checkout/preview/"))
