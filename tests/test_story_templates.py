"""Two slots of one headline template are two events, whichever order they are crawled in: an
official readout that first joined another leader's story (through a news report of that
leader's meeting, which shares the place, the president and the summit) leaves it as soon as the
readout of that leader's own meeting arrives, and alerts as a story of its own. All through the
installed command on the fixture news web."""

from __future__ import annotations

from tests.conftest import json_lines, run_newswatch, topic_toml, write_config
from tests.storyweb import publish

VISIT = (
    "Biden welcomes Albanese to his Wilmington home ahead of the Quad summit",
    [
        "President Joe Biden welcomed Prime Minister Anthony Albanese of Australia to his home in Wilmington, "
        "Delaware, on Friday, the day before the Quad leaders' summit.",
        "The two leaders discussed AUKUS, the submarine programme and critical minerals, and Albanese said the "
        "alliance would outlast any change of government in Washington.",
        "Albanese gave Biden a leather flight jacket; the White House said the talks ran for an hour.",
    ],
)
KISHIDA = (
    "Readout of President Biden's Meeting with Prime Minister Kishida of Japan",
    [
        "President Joseph R. Biden, Jr. met Prime Minister Kishida Fumio of Japan today in Wilmington, Delaware.",
        "The leaders said the alliance between the United States and Japan is the cornerstone of peace in the "
        "region, welcomed cooperation with Australia under AUKUS, and discussed the Quad leaders' summit.",
        "President Biden thanked Prime Minister Kishida for his leadership.",
    ],
)
ALBANESE = (
    "Readout of President Biden's Meeting with Prime Minister Albanese of Australia",
    [
        "President Joseph R. Biden, Jr. met Prime Minister Anthony Albanese of Australia today in Wilmington, "
        "Delaware.",
        "The leaders said the alliance between the United States and Australia is the core of the relationship, "
        "noted progress on AUKUS and critical minerals, and looked ahead to the Quad leaders' summit.",
        "President Biden thanked Prime Minister Albanese for his partnership.",
    ],
)


def _crawl(config, source):
    result = run_newswatch("--log-level", "INFO", "crawl", "--source", source, config=config)
    assert result.returncode == 0, result.stderr
    return result


def _visit_then_kishida(tmp_path, newsweb, receiver, topic):
    """The news report of the Albanese meeting and the Kishida readout, crawled one after the other;
    the Albanese readout is published, for a third crawl. Returns the config."""
    sources = (
        publish(newsweb, "daily", [("visit", VISIT, 120)])
        + publish(newsweb, "japan", [("kishida", KISHIDA, 90)])
        + publish(newsweb, "australia", [("albanese", ALBANESE, 60)])
    )
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, topics=topic)
    _crawl(config, "daily")
    _crawl(config, "japan")
    return config


def _articles(config):
    return {a["title"]: a for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)}


def test_a_readout_that_joined_another_leader_s_story_leaves_it_and_alerts_when_that_leader_s_readout_comes(
    tmp_path, newsweb, receiver
):
    config = _visit_then_kishida(tmp_path, newsweb, receiver, topic_toml("quad", "wilmington"))
    articles = _articles(config)
    visit, kishida = articles[VISIT[0]], articles[KISHIDA[0]]
    assert kishida["story_id"] == visit["story_id"]  # the place, the president, the summit: it joined
    assert len(receiver.posts) == 1

    logged = _crawl(config, "australia").stderr

    articles = _articles(config)
    visit, kishida, albanese = articles[VISIT[0]], articles[KISHIDA[0]], articles[ALBANESE[0]]
    assert albanese["story_id"] == visit["story_id"]
    assert kishida["story_id"] == kishida["id"]  # a story of its own now
    assert len(receiver.posts) == 2
    assert KISHIDA[0] in receiver.posts[1]["title"] + receiver.posts[1]["message"]
    shown = json_lines(run_newswatch("show", str(kishida["id"]), "--json", config=config).stdout)[0]
    assert shown["alert"].startswith("quad: alerted (alert #")
    split = next(line for line in logged.splitlines() if f"story split article_id={kishida['id']} " in line)
    assert f"left story {visit['story_id']}" in split and "alert: quad: alerted (alert #" in split
    stories = {s["title"]: s for s in json_lines(run_newswatch("stories", "--json", config=config).stdout)}
    assert len(stories) == 2
    # The news report's story alerted once: the readout of the same meeting joined it quietly.
    assert sum(1 for post in receiver.posts if ALBANESE[0] in post["title"] + post["message"]) == 0


def test_a_readout_that_alerted_for_a_story_takes_its_alert_along_and_the_story_alerts_for_its_own_readout(
    tmp_path, newsweb, receiver
):
    # Only the readouts match: the news report starts the story, the Kishida readout alerts for it.
    config = _visit_then_kishida(tmp_path, newsweb, receiver, topic_toml("readouts", "readout"))
    assert len(receiver.posts) == 1 and KISHIDA[0] in receiver.posts[0]["title"] + receiver.posts[0]["message"]

    logged = _crawl(config, "australia").stderr

    articles = _articles(config)
    visit, kishida, albanese = articles[VISIT[0]], articles[KISHIDA[0]], articles[ALBANESE[0]]
    assert kishida["story_id"] == kishida["id"] and albanese["story_id"] == visit["story_id"]
    texts = [post["title"] + post["message"] for post in receiver.posts]
    assert len(texts) == 2 and ALBANESE[0] in texts[1]  # the Kishida readout is not alerted twice
    assert f"story split article_id={kishida['id']} " in logged and "(its alert went with it)" in logged
    stories = {s["title"]: s for s in json_lines(run_newswatch("stories", "--json", config=config).stdout)}
    assert stories[KISHIDA[0]]["alerted"] and stories[VISIT[0]]["alerted"]
