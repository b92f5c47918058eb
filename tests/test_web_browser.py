"""The web view in a real browser: Debian's headless Chromium, driven by Selenium through
chromedriver, on `newswatch web` serving a crawl of the fixture news web. A reader loads the
stories, opens an article, filters, previews a topic query and sends feedback; every page must
fit a phone's screen and 1280 px, and hostile markup must stay text. Each page's screenshot is
saved under the test's temporary folder (the path is printed)."""

from __future__ import annotations

import shutil

import pytest
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.webview import HOSTILE_TITLE, WebCommand, chromium, crawl_hostile_web

if not (shutil.which("chromium") and shutil.which("chromedriver")):
    pytest.skip("needs Debian's chromium and chromium-driver (installed by .ci/run)", allow_module_level=True)


INDUS = "INDUS-X summit ties Indian start-ups to Pentagon innovation units"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    site = crawl_hostile_web(tmp_path_factory.mktemp("browser"))
    yield site
    site.close()


@pytest.fixture(scope="module")
def served(crawled, tmp_path_factory):
    """The view on a copy of the crawl: these tests send feedback."""
    config = crawled.copy(tmp_path_factory.mktemp("served"))
    web = WebCommand(config)
    yield web
    assert web.stop() == 0, web.log.read_text()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium"))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {folder}")
    return folder


def _shot(browser, shots, name: str) -> None:
    path = shots / f"{name}.png"
    assert browser.save_screenshot(str(path))
    print(f"screenshot: {path}")


def _submit(browser, button) -> None:
    """Click a form's button and wait for the page it leads to."""
    page = browser.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(browser, 60).until(lambda _: _gone(page))


def _gone(element) -> bool:
    """True once `element`'s document is no longer the page's. Chromium says so either as a stale
    element or, while the new page loads, as "Node with given id does not belong to the document"."""
    try:
        element.is_enabled()
    except WebDriverException:  # StaleElementReferenceException is one
        return True
    return False


def _no_script_ran(browser) -> None:
    try:
        text = browser.switch_to.alert.text
    except NoAlertPresentException:
        text = None
    assert text is None, f"a script from the web ran: {text}"
    assert browser.find_elements(By.TAG_NAME, "script") == []
    assert browser.find_elements(By.TAG_NAME, "img") == []


def test_reader_loads_the_stories_opens_an_article_and_filters(browser, served, shots):
    browser.set_window_size(1280, 900)
    browser.get(served.url + "/")
    items = browser.find_elements(By.CSS_SELECTOR, "ol.stories > li")
    assert len(items) >= 3
    titles = [item.find_element(By.CSS_SELECTOR, "a.title").text for item in items]
    assert INDUS in titles and HOSTILE_TITLE in titles  # the markup shows as text
    _no_script_ran(browser)
    _shot(browser, shots, "stories")

    browser.find_element(By.LINK_TEXT, INDUS).click()
    assert browser.find_element(By.TAG_NAME, "h1").text == INDUS
    _shot(browser, shots, "story")
    browser.find_element(By.CSS_SELECTOR, "ol.reports > li > a").click()
    marks = [mark.text for mark in browser.find_elements(By.TAG_NAME, "mark") if mark.is_displayed()]
    assert "INDUS-X" in marks or "INDUS X" in marks, marks
    assert "Why it matched" in browser.find_element(By.CSS_SELECTOR, "section.why").text
    assert "Alerted as a new story" in browser.page_source
    _shot(browser, shots, "article")

    browser.get(served.url + "/")
    Select(browser.find_element(By.NAME, "source")).select_by_value("hostile-wire")
    Select(browser.find_element(By.NAME, "since")).select_by_value("7d")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button"))
    assert "source=hostile-wire" in browser.current_url
    titles = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "ol.stories a.title")]
    assert HOSTILE_TITLE in titles and INDUS not in titles
    _no_script_ran(browser)
    _shot(browser, shots, "stories-filtered")

    browser.find_element(By.LINK_TEXT, HOSTILE_TITLE).click()
    assert browser.find_element(By.TAG_NAME, "h1").text == HOSTILE_TITLE
    browser.find_element(By.CSS_SELECTOR, "ol.reports > li > a").click()
    assert browser.find_element(By.CSS_SELECTOR, "h1.article-title").text == HOSTILE_TITLE
    assert 'alert("pwned-body")' in browser.find_element(By.CSS_SELECTOR, "section.text").text
    _no_script_ran(browser)
    _shot(browser, shots, "article-hostile")


def test_reader_previews_a_topic_query_and_sends_feedback(browser, served, shots):
    browser.set_window_size(1280, 900)
    browser.get(served.url + "/topics")
    _shot(browser, shots, "topics")
    box = browser.find_element(By.CSS_SELECTOR, "form.preview textarea")
    box.clear()
    box.send_keys('"INDUS X" OR quantum')
    days = browser.find_element(By.CSS_SELECTOR, "form.preview input[name=days]")
    days.clear()
    days.send_keys("3")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "form.preview button"))
    summary = browser.find_element(By.CSS_SELECTOR, "p.summary").text
    assert summary.startswith("2 of ") and "last 3 days" in summary, summary
    hits = browser.find_elements(By.CSS_SELECTOR, "ol.hits > li")
    assert len(hits) == 2
    assert {mark.text.lower() for mark in browser.find_elements(By.CSS_SELECTOR, "ol.hits mark")} >= {"quantum"}
    _no_script_ran(browser)
    _shot(browser, shots, "preview")

    box = browser.find_element(By.CSS_SELECTOR, "form.preview textarea")
    box.clear()
    box.send_keys("iCET AND (jet OR")
    _submit(browser, browser.find_element(By.CSS_SELECTOR, "form.preview button"))
    error = browser.find_element(By.CSS_SELECTOR, ".query-error")
    assert "does not parse" in error.text
    assert error.find_element(By.CSS_SELECTOR, "mark.error").is_displayed()
    _shot(browser, shots, "preview-error")

    browser.get(served.url + "/topics/icet")
    row = next(li for li in browser.find_elements(By.CSS_SELECTOR, "ol.results > li") if HOSTILE_TITLE in li.text)
    _submit(browser, row.find_element(By.CSS_SELECTOR, "button[value=not_relevant]"))
    row = next(li for li in browser.find_elements(By.CSS_SELECTOR, "ol.results > li") if INDUS in li.text)
    _submit(browser, row.find_element(By.CSS_SELECTOR, "button[value=relevant]"))
    evaluation = browser.find_element(By.CSS_SELECTOR, "section.evaluation").text
    assert "Precision 50%" in evaluation and "1 relevant, 1 not relevant of 2 judged matches" in evaluation
    assert HOSTILE_TITLE in browser.find_element(By.CSS_SELECTOR, "ul.false-positives").text
    _no_script_ran(browser)
    _shot(browser, shots, "topic-feedback")


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)], ids=["phone", "1280px"])
def test_every_page_fits_the_screen_without_sideways_scrolling(browser, served, crawled, shots, width, height):
    articles = {a["title"]: a for a in crawled.articles()}
    browser.set_window_size(width, height)
    for name, path in (
        ("stories", "/"),
        ("article", f"/articles/{articles[HOSTILE_TITLE]['id']}"),
        ("sources", "/sources"),
        ("alerts", "/alerts"),
        ("topics", "/topics"),
        ("topic", "/topics/icet"),
        ("preview", "/preview?q=iCET&days=7"),
        ("search", "/search?q=engine"),
    ):
        browser.get(served.url + path)
        inner = browser.execute_script("return window.innerWidth")
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        assert wide <= inner, f"{path} is {wide} px wide in a {inner} px window"
        _shot(browser, shots, f"{name}-{width}")
