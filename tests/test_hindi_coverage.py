"""Hindi news, end to end through the installed command: a Hindi outlet's feed crawled from the
fixture web is stored as Hindi, matched by the built-in topics, deduplicated and grouped into
stories like English news, and its look-alikes (a temple trust, a javelin thrower) stay out."""

from __future__ import annotations

import pytest

from newswatch.domain.topics import ICET, INDIA_US
from newswatch.scheduler.newsweb import NewsWeb
from tests.conftest import SITE, json_lines, run_newswatch, topic_toml, write_config

FRAMEWORK = "भारत और अमेरिका ने दस साल के रक्षा ढांचे पर किए हस्ताक्षर"
FRAMEWORK_WIRE = "भारत-अमेरिका रक्षा रूपरेखा समझौता: अगले दशक की दिशा तय"
PAX_SILICA = "भारत पैक्स सिलिका में शामिल, एआई और महत्वपूर्ण खनिजों की सप्लाई चेन पर अमेरिका से करार"
PAX_SILICA_EXPLAINER = "क्या है पैक्स सिलिका, जिसमें शामिल हुआ भारत"
TEMPLE_TRUST = "राम मंदिर ट्रस्ट की बैठक में श्रद्धालुओं के लिए नई सुविधाओं पर फैसला"
JAVELIN_THROW = "नीरज चोपड़ा ने डायमंड लीग में जीता खिताब, 88.16 मीटर का थ्रो"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the Hindi outlet, shared by the tests: (config, articles by title, alerts)."""
    from tests.alerts_helpers import JsonReceiver

    tmp_path = tmp_path_factory.mktemp("hindi")
    with NewsWeb(SITE) as newsweb, JsonReceiver() as receiver:
        sources = f'[[sources]]\nname = "darpan-desh"\ntype = "feed"\nurl = "{newsweb.url("feeds/hindi.rss")}"\n'
        topics = topic_toml("icet", ICET.query) + topic_toml("india-us", INDIA_US.query, alert="off")
        config = write_config(
            tmp_path / "newswatch.toml", newsweb, [receiver.apprise_url], sources=sources, topics=topics
        )
        result = run_newswatch("crawl", config=config)
        assert result.returncode == 0, result.stderr
        exported = json_lines(run_newswatch("export", "--format", "jsonl", "--all", config=config).stdout)
        yield config, {article["title"]: article for article in exported}, list(receiver.posts)


def test_hindi_pages_are_stored_as_hindi_even_when_they_declare_no_language_or_english(crawled):
    _, by_title, _ = crawled
    assert len(by_title) == 6
    # The feed names no language; the framework page declares none, its wire copy declares "en".
    assert {article["language"] for article in by_title.values()} == {"hi"}


def test_built_in_icet_topic_finds_hindi_reports_and_not_their_look_alikes(crawled):
    _, by_title, _ = crawled

    def topics(title):
        return {t["name"] for t in by_title[title]["topics"]}

    for title in (FRAMEWORK, PAX_SILICA, PAX_SILICA_EXPLAINER):
        assert "icet" in topics(title), title
    assert "icet" not in topics(TEMPLE_TRUST)  # ट्रस्ट, a temple trust, not TRUST
    assert "icet" not in topics(JAVELIN_THROW)  # जेवलिन थ्रो, the athletics event
    terms = next(t["terms"] for t in by_title[PAX_SILICA]["topics"] if t["name"] == "icet")
    assert "पैक्स सिलिका" in terms


def test_hindi_wire_copy_is_a_duplicate_and_two_outlets_reports_are_one_story(crawled):
    config, by_title, posts = crawled
    # Both pages come in one crawl: whichever was stored first is the original.
    original, copy = sorted((by_title[FRAMEWORK], by_title[FRAMEWORK_WIRE]), key=lambda a: a["id"])
    assert copy["duplicate_of"] == original["id"] and copy["story_id"] == original["story_id"]

    # Two differently written reports of India joining Pax Silica: one story, one alert.
    report, explainer = by_title[PAX_SILICA], by_title[PAX_SILICA_EXPLAINER]
    assert report["duplicate_of"] is None and explainer["duplicate_of"] is None
    assert report["story_id"] == explainer["story_id"]
    # Unrelated Hindi reports keep stories of their own, whatever grammar they share.
    others = {by_title[t]["story_id"] for t in (TEMPLE_TRUST, JAVELIN_THROW)}
    assert len(others) == 2 and not others & {report["story_id"], original["story_id"]}

    alerted = sorted(post["title"] for post in posts)
    assert len(alerted) == 2, alerted  # the framework and Pax Silica, each once
    stories = json_lines(run_newswatch("stories", "--json", "--topic", "icet", config=config).stdout)
    assert len(stories) == 2
