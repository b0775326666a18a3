"""The operator console in a real browser: Debian's Chromium driven through its WebDriver by Selenium. Signs in,
creates a bot, adds two configs, activates the second, sends a chat turn through the user API, then opens the
session's transcript and the dashboard and checks what they show; the browser console must hold no error.
Screenshots of the bot page and the dashboard go to CONSOLE_SCREENSHOTS.

Run by scripts/console-browser.sh, which sets SWITCHYARD_BIN, the secrets, CONSOLE_LOGDIR and CONSOLE_SCREENSHOTS."""
import json
import os
import sys
import tempfile
import urllib.request
import uuid

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from switchyard_client import start_server, user_token  # noqa: E402

BIN = os.environ["SWITCHYARD_BIN"]
LOGDIR = os.environ["CONSOLE_LOGDIR"]
SHOTS = os.environ["CONSOLE_SCREENSHOTS"]
CONFIG = os.path.join(os.path.dirname(__file__), "config.json")
PORT = 18791
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture(scope="module")
def server():
    database = os.path.join(tempfile.mkdtemp(), "console.sqlite")
    process = start_server(BIN, PORT, CONFIG, os.path.join(LOGDIR, "switchyard.log"),
                           env={"SWITCHYARD_SQLITE_PATH": database})
    yield
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def fill(driver, name, value):
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(value)


def choose(driver, name, value):
    Select(driver.find_element(By.NAME, name)).select_by_value(value)


def submit(driver, label):
    """Clicks a submit button and waits for the page it leads to."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, f"//button[normalize-space()='{label}']").click()
    WebDriverWait(driver, 10).until(replaced(page))


def click_and_wait(driver, element):
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 10).until(replaced(page))


def replaced(page):
    """Whether the page is gone. Like Selenium's `staleness_of`, except that Chromium, asked about a page that is
    being replaced at that moment, sometimes answers "Node with given id does not belong to the document" (an unknown
    error) instead of a stale element: that answer also means the page is gone."""

    def predicate(_):
        try:
            page.is_enabled()
            return False
        except WebDriverException as error:
            if isinstance(error, StaleElementReferenceException):
                return True
            if "does not belong to the document" in str(error):
                return True
            raise

    return predicate


def only_expected(driver, status):
    """Reads (and so clears) the browser's log after a step that was meant to fail: its only errors are the network
    line for that status."""
    for entry in console_errors(driver):
        assert entry["source"] == "network" and f"status of {status}" in entry["message"], entry


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def test_operator_flow(server, browser):
    os.makedirs(SHOTS, exist_ok=True)
    wait = WebDriverWait(browser, 10)
    browser.get(f"{BASE}/console/bots")
    assert "/console/login" in browser.current_url, "an anonymous visit goes to the sign-in form"
    fill(browser, "admin_key", "not the key")
    submit(browser, "Sign in")
    assert "That admin key is wrong." in browser.page_source
    only_expected(browser, 401)
    fill(browser, "admin_key", os.environ["SWITCHYARD_ADMIN_KEY"])
    submit(browser, "Sign in")
    wait.until(expected_conditions.url_contains("/console/bots"))

    # A bot, with a validation error shown beside its field first.
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "New bot"))
    name = f"Browser Bot {uuid.uuid4().hex[:6]}"
    fill(browser, "name", name)
    choose(browser, "status", "launched")
    fill(browser, "time_zone", "Mars/Olympus")
    submit(browser, "Create bot")
    error = browser.find_element(By.CSS_SELECTOR, "#f-time_zone-error")
    assert "IANA" in error.text
    only_expected(browser, 400)
    fill(browser, "time_zone", "Asia/Kolkata")
    submit(browser, "Create bot")
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
    bot_url = browser.current_url.split("?")[0]
    slug = bot_url.rsplit("/", 1)[1]

    # Two configs; the first becomes active, then the second is activated with one click.
    for provider, model in (("mock", "first-model"), ("spare", "second-model")):
        browser.get(f"{bot_url}/configs/new")
        choose(browser, "llm_provider", provider)
        fill(browser, "model_name", model)
        fill(browser, "prompt", "You are {{bot_name}}. Answer briefly.")
        submit(browser, "Create config")
        wait.until(expected_conditions.url_contains(f"/console/bots/{slug}"))
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody tr[id^='c-']")
    assert len(rows) == 2
    click_and_wait(
        browser, browser.find_element(By.XPATH, "//tr[td/a[contains(., 'spare/second-model')]]//button[@data-activate]"))
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
    active = browser.find_element(By.CSS_SELECTOR, "tr.active")
    assert "spare/second-model" in active.text
    browser.save_screenshot(os.path.join(SHOTS, "bot.png"))

    # A chat turn through the user API, served by the activated config.
    request = urllib.request.Request(
        f"{BASE}/v1/bots/{slug}/chat", method="POST",
        data=json.dumps({"message": "Hello from the browser test", "idempotency_key": uuid.uuid4().hex}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {user_token('browser-user')}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        turn = json.loads(response.read())
    session_id = turn["session_id"]

    # The transcript, reached from the sessions list.
    browser.get(f"{BASE}/console/sessions?bot={slug}")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f"a[href='/console/sessions/{session_id}']"))
    transcript = browser.find_element(By.CSS_SELECTOR, "ol.transcript")
    assert "Hello from the browser test" in transcript.text
    assert browser.find_element(By.CSS_SELECTOR, "[data-provider]").text == "spare"
    assert browser.find_element(By.CSS_SELECTOR, "[data-model]").text == "second-model"
    browser.find_element(By.CSS_SELECTOR, "details summary").click()
    assert "success" in browser.find_element(By.CSS_SELECTOR, "details table").text

    # The dashboard: figures and the four charts, with the turn counted.
    browser.get(f"{BASE}/console/dashboard?window=1h")
    for chart in ("success-rate", "latency", "providers", "errors"):
        svg = browser.find_element(By.CSS_SELECTOR, f"svg[data-chart='{chart}']")
        assert svg.is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "svg[data-chart='success-rate'] .series circle, "
                                                  "svg[data-chart='success-rate'] .series polyline")
    assert "spare" in browser.find_element(By.CSS_SELECTOR, "svg[data-chart='providers']").text
    figures = browser.find_element(By.CSS_SELECTOR, "dl.figures").text
    assert "Turns\n1" in figures
    browser.save_screenshot(os.path.join(SHOTS, "dashboard.png"))

    # Narrow screens: the dashboard still fits a phone's width.
    browser.set_window_size(375, 900)
    browser.get(f"{BASE}/console/dashboard?window=1h")
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 380, f"the page is {width}px wide at 375px"
    browser.save_screenshot(os.path.join(SHOTS, "dashboard-375.png"))
    browser.set_window_size(1280, 1000)

    assert console_errors(browser) == []

    # Sign-out: the cookie is cleared and the console asks to sign in again.
    submit(browser, "Sign out")
    assert "You are signed out." in browser.page_source
    browser.get(f"{BASE}/console/bots")
    assert "/console/login" in browser.current_url
