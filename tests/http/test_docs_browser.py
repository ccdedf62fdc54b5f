"""The documentation pages in a real browser (Debian's headless Chromium, driven by Selenium
through Debian's chromedriver; `make test` installs both): Swagger UI renders with nothing
refused by its Content-Security-Policy, takes an API key with Authorize, and "Try it out"
sends a read and a write whose answers it shows; ReDoc renders the same document."""

import json
import shutil
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from tests.http.conftest import Keyed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SOURCE = {
    "id": "a-report-written-in-swagger-ui",
    "title": "A report written in Swagger UI",
    "language": "en",
    "text": "Putin and Macron met at Bregancon on 19 August 2019.",
}


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    # Not a skip when missing: the suite installs Chromium (Makefile), and a page nobody
    # opened is not a page that works.
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1400,2000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: WebDriver, css: str, seconds: float = 30) -> WebElement:
    return WebDriverWait(driver, seconds).until(
        ready.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def _console_errors(driver: WebDriver) -> list[str]:
    """What the page logged as errors since the last call: a CSP refusal is one."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def _try_out(driver: WebDriver, operation_id: str, tag: str) -> WebElement:
    """Opens an operation and presses "Try it out"; the operation's block."""
    block = _wait(driver, f"#operations-{tag}-{operation_id}")
    block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    button = WebDriverWait(driver, 10).until(
        ready.element_to_be_clickable(
            (By.CSS_SELECTOR, f"#{block.get_attribute('id')} .try-out__btn")
        )
    )
    button.click()
    return block


def _execute(driver: WebDriver, block: WebElement) -> tuple[str, str]:
    """Presses Execute; the status and the body of the answer the page shows."""
    block.find_element(By.CSS_SELECTOR, "button.execute").click()
    prefix = f"#{block.get_attribute('id')} .live-responses-table"
    status = _wait(driver, f"{prefix} .response .response-col_status")
    body = _wait(driver, f"{prefix} .response-col_description pre")
    return status.text.strip(), body.text


def test_swagger_ui_renders_authorizes_and_tries_a_read_and_a_write(
    browser: WebDriver, served_for_writes: Keyed
):
    browser.get(served_for_writes.served.url + "/docs")
    _wait(browser, ".swagger-ui .info .title")
    assert "Entente" in browser.find_element(By.CSS_SELECTOR, ".info .title").text
    assert len(browser.find_elements(By.CSS_SELECTOR, ".opblock")) >= 30
    assert _console_errors(browser) == []

    # Authorize: the key goes into the dialog, and every request carries it from then on.
    browser.find_element(By.CSS_SELECTOR, ".auth-wrapper button.authorize").click()
    dialog = _wait(browser, ".modal-ux")
    dialog.find_element(By.CSS_SELECTOR, "input").send_keys(served_for_writes.key)
    dialog.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper button.authorize").click()
    _wait(browser, ".modal-ux .auth-btn-wrapper button.btn-done").click()

    # A read: who the key belongs to, as the server answers it.
    status, body = _execute(browser, _try_out(browser, "get_me", "keys"))
    assert status == "200", body
    assert json.loads(body)["name"] == "http-tests"

    # A write: a new source, then read back.
    block = _try_out(browser, "create_source", "curation")
    editor = block.find_element(By.CSS_SELECTOR, "textarea.body-param__text")
    editor.clear()
    editor.send_keys(json.dumps(SOURCE))
    status, body = _execute(browser, block)
    assert status == "200", body
    assert json.loads(body)["changed"] >= 1
    block = _try_out(browser, "get_source", "sources")
    field = block.find_element(By.CSS_SELECTOR, "tr[data-param-name='source_id'] input")
    field.clear()
    field.send_keys(SOURCE["id"])
    status, body = _execute(browser, block)
    assert status == "200", body
    assert json.loads(body)["title"] == SOURCE["title"]
    assert _console_errors(browser) == []


def test_redoc_renders_the_document_with_nothing_refused(
    browser: WebDriver, served_for_writes: Keyed
):
    browser.get(served_for_writes.served.url + "/redoc")
    title = _wait(browser, ".api-info h1")
    assert title.text.startswith("Entente")
    menu = browser.find_elements(By.CSS_SELECTOR, ".menu-content label")
    assert any("List countries" in item.text or "countries" in item.text for item in menu)
    assert _console_errors(browser) == []
