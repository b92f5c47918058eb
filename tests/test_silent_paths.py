"""A matching report that does not alert says why: `newswatch show ID`, `show --json` and the line
logged when it is stored (as the service logs it) give one line: it joined story N, already
alerted for the topic; it is a copy of #M; it is older than alerts.max_age; its score is below the
topic's min_score; the topic is digest or off; quiet hours hold the alert; the per-cycle cap
folded it. `newswatch stories` marks the stories that alerted. All through the installed command
on the fixture news web."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswatch.domain.happenings import foretold
from tests.conftest import json_lines, run_newswatch, topic_toml, write_config
from tests.storyweb import ENGINES, ENGINES_WIRE, FUND, FUND_FOLLOW_UP, publish
from tests.webview import Client, WebCommand


def _crawl(config, *options):
    result = run_newswatch("--log-level", "INFO", "crawl", *options, config=config)
    assert result.returncode == 0, result.stderr
    return result


def _by_title(config) -> dict[str, dict]:
    return {a["title"]: a for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)}


def _shown(config, article_id: int) -> dict:
    return json_lines(run_newswatch("show", str(article_id), "--json", config=config).stdout)[0]


def test_a_report_that_joined_an_alerted_story_says_so_in_show_and_in_the_log(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("fund", FUND, 90)]) + publish(
        newsweb, "daily", [("picks", FUND_FOLLOW_UP, 30)]
    )
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    _crawl(config, "--source", "wire")
    logged = _crawl(config, "--source", "daily").stderr

    articles = _by_title(config)
    first, follow_up = articles[FUND[0]], articles[FUND_FOLLOW_UP[0]]
    assert follow_up["story_id"] == first["story_id"] and follow_up["duplicate_of"] is None
    reason = _shown(config, follow_up["id"])["alert"]
    assert f"joined story {first['story_id']}, already alerted for topic icet" in reason
    assert f"article #{first['id']}" in reason
    shown = run_newswatch("show", str(follow_up["id"]), config=config).stdout
    assert f"joined story {first['story_id']}" in shown
    line = next(line for line in logged.splitlines() if f"article_id={follow_up['id']} " in line)
    assert f"alert: icet: not alerted: joined story {first['story_id']}" in line
    assert len(receiver.posts) == 1
    alerted = _shown(config, first["id"])["alert"]
    assert alerted.startswith("icet: alerted (alert #") and "deliveries: 1 sent" in alerted


def test_a_copy_says_whose_copy_it_is(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("engines", ENGINES, 90)]) + publish(
        newsweb, "daily", [("copy", ENGINES_WIRE, 30)]
    )
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    _crawl(config, "--source", "wire")
    _crawl(config, "--source", "daily")
    articles = _by_title(config)
    original, copy = articles[ENGINES[0]], articles[ENGINES_WIRE[0]]
    assert copy["duplicate_of"] == original["id"]
    assert _shown(config, copy["id"])["alert"] == f"not alerted: a copy of #{original['id']}"


def test_an_edited_copy_that_matches_a_topic_its_original_did_not_alerts_for_that_topic(tmp_path, newsweb, receiver):
    title, paragraphs = ENGINES_WIRE[0] + ", ISRO to test it", ENGINES_WIRE[1]
    edited = (title, [*paragraphs[:2], "ISRO will test the engine's cooling on its satellite rig.", *paragraphs[2:]])
    sources = publish(newsweb, "wire", [("engines", ENGINES, 90)]) + publish(newsweb, "daily", [("copy", edited, 30)])
    topics = topic_toml("engines", "F414") + topic_toml("space", "ISRO")
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, topics=topics)
    _crawl(config, "--source", "wire")
    _crawl(config, "--source", "daily")
    articles = _by_title(config)
    original, copy = articles[ENGINES[0]], articles[title]
    assert copy["duplicate_of"] == original["id"]
    # The copy tells nothing new for the engines topic, and is the first word of it for space.
    assert sorted(post["title"].split("]")[0] for post in receiver.posts) == ["[engines", "[space"]
    reason = _shown(config, copy["id"])["alert"]
    assert reason.startswith(f"engines: not alerted: a copy of #{original['id']}; space: alerted (alert #"), reason
    # The web view tells the same, topic by topic.
    with WebCommand(config) as web:
        page = Client(web.url).get(f"/articles/{copy['id']}").body
    assert f"A copy of #{original['id']}: copies never alert." in page and "Alerted as a new story" in page
    # A later copy with the same addition is a copy for both topics.
    publish(newsweb, "daily", [("copy", edited, 30), ("again", (title + " (updated)", edited[1]), 10)])
    _crawl(config, "--source", "daily")
    assert len(receiver.posts) == 2


def test_an_article_older_than_max_age_says_so(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("engines", ENGINES, 5 * 60)])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, extra='max_age = "2h"')
    _crawl(config)
    reason = _shown(config, _by_title(config)[ENGINES[0]]["id"])["alert"]
    assert reason.startswith("not alerted: older than alerts.max_age (2h; published ")
    assert receiver.posts == []


def test_a_score_below_the_topic_s_min_score_says_so(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("engines", ENGINES, 30)])
    topics = topic_toml("engines", "F414 OR HAL") + "min_score = 50\n"
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, topics=topics)
    _crawl(config)
    article = _by_title(config)[ENGINES[0]]
    assert article["topics"] == []
    reason = _shown(config, article["id"])["alert"]
    assert reason.startswith("engines: not alerted: scored ") and reason.endswith("below the topic's min_score 50")


def test_digest_and_off_topics_say_so(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("fund", FUND, 60), ("engines", ENGINES, 30)])
    topics = topic_toml("drones", "INDUS-X", alert="digest") + topic_toml("engines", "F414", alert="off")
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, topics=topics)
    _crawl(config)
    articles = _by_title(config)
    assert _shown(config, articles[FUND[0]]["id"])["alert"] == (
        "drones: not alerted at once: the topic is digest (the next digest tells it)"
    )
    assert _shown(config, articles[ENGINES[0]]["id"])["alert"] == "engines: not alerted: the topic is off"
    assert receiver.posts == []


def test_quiet_hours_say_until_when_the_alert_waits(tmp_path, newsweb, receiver):
    now = datetime.now(UTC)
    window = f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=2):%H:%M}"
    sources = publish(newsweb, "wire", [("engines", ENGINES, 30)])
    extra = f'quiet_hours = "{window}"\ntimezone = "UTC"'
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, extra=extra)
    crawled = _crawl(config)
    reason = _shown(config, _by_title(config)[ENGINES[0]]["id"])["alert"]
    end = (now + timedelta(hours=2)).strftime("%H:%M")
    assert "icet: alerted (alert #" in reason and "held by quiet hours until " in reason and f"{end} UTC" in reason
    assert reason.endswith("deliveries: 1 pending") and receiver.posts == []
    # The commands that send say the alert is held, and until when, not just "sent 0".
    sent = run_newswatch("alerts", "send", config=config)
    for output in (crawled.stdout, sent.stdout):
        assert "sent 0, failed 0, retrying 0, held by quiet hours 1 (until " in output and f"{end} UTC)" in output
    # Once the alert went out, show no longer says it is held.
    config.write_text(config.read_text().replace(f'quiet_hours = "{window}"', ""))
    assert "sent 1, failed 0" in run_newswatch("alerts", "send", config=config).stdout
    reason = _shown(config, _by_title(config)[ENGINES[0]]["id"])["alert"]
    assert f"{end} UTC (no longer held); deliveries: 1 sent" in reason and len(receiver.posts) == 1


def test_the_per_cycle_cap_says_the_alert_went_into_the_summary(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("fund", FUND, 60), ("engines", ENGINES, 30)])
    config = write_config(
        tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, extra="max_per_cycle = 1"
    )
    crawled = _crawl(config)
    # The summary counts the folded alert beside the one sent at once: two notifications went out.
    assert "1 alert and 1 more folded into one summary (alerts.max_per_cycle); sent 2," in crawled.stdout
    assert len(receiver.posts) == 2
    articles = _by_title(config)
    reasons = [_shown(config, articles[title]["id"])["alert"] for title in (FUND[0], ENGINES[0])]
    assert reasons[0].startswith("icet: alerted (alert #")
    assert reasons[1].startswith("icet: not alerted on its own: over alerts.max_per_cycle (1) this cycle")
    # The alert it names is the summary that was sent, listed by `newswatch alerts`.
    [summary] = [
        a for a in json_lines(run_newswatch("alerts", "--json", config=config).stdout) if a["kind"] == "summary"
    ]
    assert reasons[1].endswith(f"listed in the cycle's summary (alert #{summary['alert_id']})"), reasons[1]
    # A later report of the folded story says it was told in that summary, not in a row no command lists.
    sources += publish(newsweb, "daily", [("engines", ENGINES_REPORTED, 10)])
    write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, extra="max_per_cycle = 1")
    _crawl(config)
    later = _by_title(config)[ENGINES_REPORTED[0]]
    assert later["story_id"] == articles[ENGINES[0]]["story_id"]
    note = _shown(config, later["id"])["alert"]
    assert note.startswith(f"icet: not alerted: joined story {later['story_id']}, already alerted"), note
    assert f"listed in the cycle's summary (alert #{summary['alert_id']})" in note, note
    assert len(receiver.posts) == 2


# Another outlet's own report of the engine deal (not a copy).
ENGINES_REPORTED = (
    "HAL to build F414 engines for Tejas Mk2 with GE, 80% of technology transferred",
    [
        "Hindustan Aeronautics will build F414 engines for the Tejas Mk2 with General Electric in Bengaluru after "
        "the two signed their co-production contract, with 80 percent of the engine's technology transferred.",
        "The first engines built in India are due in 2028, officials said, calling it the biggest iCET outcome.",
    ],
)


def test_stories_mark_the_stories_that_alerted(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "wire", [("fund", FUND, 60), ("engines", ENGINES, 30)])
    config = write_config(
        tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, extra='max_age = "40m"'
    )
    _crawl(config)
    stories = {s["title"]: s for s in json_lines(run_newswatch("stories", "--json", config=config).stdout)}
    assert stories[ENGINES[0]]["alerted"] is True and stories[ENGINES[0]]["alerts"][0]["topic"] == "icet"
    assert stories[FUND[0]]["alerted"] is False  # older than max_age
    listed = run_newswatch("stories", config=config).stdout
    assert f"[alerted: icet]: {ENGINES[0]}" in listed and f"[not alerted]: {FUND[0]}" in listed


def test_a_report_published_months_before_a_crawled_story_is_its_own_story_and_alerts(tmp_path, newsweb, receiver):
    # A feed listing newest first: the January report is stored first, then the one of September.
    january, september = datetime(2025, 1, 6, 10, tzinfo=UTC), datetime(2024, 9, 21, 20, tzinfo=UTC)
    sources = publish(newsweb, "wire", [("fund-2025", FUND, january), ("fund-2024", FUND_FOLLOW_UP, september)])
    config = write_config(
        tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, extra='max_age = "3650d"'
    )
    config.write_text(config.read_text().replace("retries = 0", 'retries = 0\nmax_item_age = "3650d"'))
    _crawl(config)
    articles = _by_title(config)
    assert articles[FUND[0]]["story_id"] != articles[FUND_FOLLOW_UP[0]]["story_id"]
    titles = [post["title"] for post in receiver.posts]
    assert len(titles) == 2
    assert any(FUND[0] in title for title in titles) and any(FUND_FOLLOW_UP[0] in title for title in titles)


FAB_PILOT = (
    "Tata Electronics rolls out first pilot wafers from Dholera fab",
    [
        "Tata Electronics said on Wednesday its ₹91,000-crore fab at Dholera has produced its first pilot "
        "wafers on the 28-nanometre process, with U.S. toolmakers Applied Materials and Lam Research on site.",
        "Commercial production at the Dholera fab is due in late 2027, the company said.",
    ],
)
FAB_PILOT_AGAIN = (
    "Dholera fab's first wafers: Tata's ₹91,000-crore plant reaches pilot output",
    [
        "The ₹91,000-crore Dholera fab of Tata Electronics has made its first pilot wafers, the company said, "
        "a milestone for the plant that U.S. toolmakers Applied Materials and Lam Research helped equip.",
        "Tata Electronics expects commercial output at Dholera in late 2027.",
    ],
)


def test_what_a_joined_report_shares_is_named_as_the_text_writes_it(tmp_path, newsweb, receiver):
    """A figure and an abbreviation the story lookup reads as 91000 and US are shown as written:
    "₹91,000-crore" gives 91,000 (not 91,00), "U.S." gives U.S."""
    sources = publish(newsweb, "chips-desk", [("pilot", FAB_PILOT, 90)])
    sources += publish(newsweb, "business-wire", [("pilot-again", FAB_PILOT_AGAIN, 30)])
    topics = topic_toml("fabs", "fab OR wafers")
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources, topics=topics)
    _crawl(config)
    stored = _by_title(config)
    first, again = stored[FAB_PILOT[0]], stored[FAB_PILOT_AGAIN[0]]
    assert again["story_id"] == first["story_id"]
    shares = _shown(config, again["id"])["joined"]["shares"]
    assert "91,000" in shares, shares
    assert all(term != "91,00" and not term.endswith(("U.", ",")) for term in shares), shares


CABINET_PREVIEW = (
    "Cabinet likely to clear two more chip units on Friday",
    [
        "The Union Cabinet is likely to approve two more semiconductor units under the India Semiconductor "
        "Mission on Friday, people aware of the matter said: a SiCSem silicon carbide fab in Bhubaneswar and "
        "an ASIP Technologies assembly and test unit in Sri City.",
        "The two projects together would bring an investment of ₹6,812 crore, the people said.",
    ],
)
CABINET_DECISION = (
    "Cabinet approves SiCSem's Bhubaneswar fab and ASIP's Sri City chip unit",
    [
        "The Union Cabinet on Friday approved two semiconductor units under the India Semiconductor Mission "
        "with an investment of ₹6,812 crore: SiCSem's silicon carbide fab in Bhubaneswar and ASIP "
        "Technologies' assembly and test unit in Sri City.",
        "Electronics Minister Ashwini Vaishnaw said SiCSem's Bhubaneswar fab would be the first commercial "
        "compound semiconductor fab in India.",
    ],
)
CABINET_REACTION = (
    "Industry hails Cabinet nod for SiCSem and ASIP chip units",
    [
        "Industry bodies welcomed the Union Cabinet's approval of SiCSem's silicon carbide fab in Bhubaneswar "
        "and ASIP Technologies' unit in Sri City, two more semiconductor units under the India Semiconductor "
        "Mission worth ₹6,812 crore.",
        "The India Electronics and Semiconductor Association said the SiCSem fab would serve electric vehicles.",
    ],
)


def _preview_then_decision(folder, newsweb, receiver, extra: str = ""):
    """The preview crawled, then its decision, then a reaction to the decision, in three crawls:
    the config, the three articles and the titles the receiver got."""
    folder.mkdir()
    topics = topic_toml("chips", "semiconductor*")
    sources = publish(newsweb, "business-desk", [("preview", CABINET_PREVIEW, 1500)])
    hook = receiver.url(f"/{folder.name}")
    config = write_config(folder / "n.toml", newsweb, [hook], sources=sources, topics=topics, extra=extra)
    _crawl(config)
    reports = [("preview", CABINET_PREVIEW, 1500), ("decision", CABINET_DECISION, 60)]
    publish(newsweb, "business-desk", reports)
    _crawl(config)
    publish(newsweb, "business-desk", [*reports, ("reaction", CABINET_REACTION, 30)])
    _crawl(config)
    stored = _by_title(config)
    articles = tuple(stored[title] for title, _ in (CABINET_PREVIEW, CABINET_DECISION, CABINET_REACTION))
    assert len({article["story_id"] for article in articles}) == 1
    titles = [a["body"]["title"] for a in receiver.attempts if a["path"] == f"/{folder.name}"]
    return config, articles, titles


def test_a_story_that_alerted_on_a_preview_alerts_once_more_when_the_development_is_reported(
    tmp_path, newsweb, receiver
):
    """With `alerts.preview_updates`, "Cabinet likely to clear ..." alerts and the decision itself,
    a day later, joins its story and is news of its own: one update. A reaction to the decision is
    not. Without it (the default), the story alerts once, as the contract says."""
    config, (preview, decision, reaction), titles = _preview_then_decision(
        tmp_path / "on", newsweb, receiver, extra="preview_updates = true\n"
    )
    assert titles == [f"[chips] {CABINET_PREVIEW[0]}", f"[chips] Update: {CABINET_DECISION[0]}"]
    note = _shown(config, decision["id"])["alert"]
    assert note.startswith(f"chips: alerted as an update of story {preview['story_id']}, whose alert #"), note
    assert "was a preview of it" in note
    assert "already alerted" in _shown(config, reaction["id"])["alert"]

    config, (preview, decision, reaction), titles = _preview_then_decision(tmp_path / "off", newsweb, receiver)
    assert titles == [f"[chips] {CABINET_PREVIEW[0]}"]
    assert "already alerted" in _shown(config, decision["id"])["alert"]


@pytest.mark.parametrize(
    ("headline", "preview"),
    [
        ("Cabinet likely to clear two more chip units on Friday", True),
        ("Dutch set to widen ASML export rules to China, sources say", True),
        ("Rubio to visit New Delhi for TRUST ministerial; chips, defence on agenda", True),
        ("S. Korea, US to sign tech cooperation pact on AI, quantum", True),
        ("Cabinet approves two more semiconductor units", False),
        ("Hyderabad's BDL set to make Javelin missile parts after US nod", False),
        ("Modi becomes first Indian PM to visit Jaffna", False),
        ("Blinken meets Dalai Lama's representative, a move likely to irk China", False),
        ("India beat USA by seven wickets to seal Super Eight spot", False),
        ("Rajnath Singh, Hegseth agree to sign 10-year defence framework", False),
    ],
)
def test_a_headline_is_a_preview_when_it_says_the_development_is_coming(headline, preview):
    assert foretold(headline) is preview
