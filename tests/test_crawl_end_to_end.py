"""The whole path, driven through the installed `newswatch` command as a user would: crawl the
fixture news web, store, match, dedup, alert to a loopback json:// receiver, read it back."""

from __future__ import annotations

import sqlite3

from tests.conftest import json_lines, run_newswatch, topic_toml, write_config


def _crawl(config, *extra):
    result = run_newswatch("crawl", *extra, config=config)
    assert result.returncode == 0, result.stderr
    return result


def _crawl_feed(tmp_path, newsweb, receiver, path: str, name: str, topics: str | None = None):
    """Crawl one feed of the fixture web as source `name` (with the icet topic unless `topics` is
    given); the config and every stored article."""
    sources = f'[[sources]]\nname = "{name}"\ntype = "feed"\nurl = "{newsweb.url(path)}"\ninterval = "5m"\n'
    config = write_config(tmp_path / "newswatch.toml", newsweb, [receiver.apprise_url], sources=sources, topics=topics)
    _crawl(config)
    return config, json_lines(run_newswatch("export", "--all", config=config).stdout)


def _starting(stored: list[dict], *starts: str) -> list[dict]:
    """The stored articles whose titles start so, in that order."""
    return [next(a for a in stored if a["title"].startswith(start)) for start in starts]


def _two_developments(
    tmp_path, newsweb, receiver, feed: str, source: str, topics, story: str, joins: str, apart: str, alert: str
):
    """Crawl a feed of three reports (titles starting `story`, `joins`, `apart`): the second joins
    the first one's story, the third is a development of its own, and the two stories alert once
    each, one of them with `alert` in its title."""
    _, stored = _crawl_feed(tmp_path, newsweb, receiver, feed, source, topics=topics)
    assert len(stored) == 3 and all(a["topics"] for a in stored)
    first, second, third = _starting(stored, story, joins, apart)
    assert second["story_id"] == first["story_id"]
    assert third["story_id"] != first["story_id"]
    alerted = sorted(post["title"] for post in receiver.posts)
    assert len(alerted) == 2, alerted
    assert any(alert in title for title in alerted)


def test_crawl_stores_extracted_articles_and_alerts_once_per_story(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "newswatch.toml", newsweb, [receiver.apprise_url])
    _crawl(config)

    exported = json_lines(run_newswatch("export", "--format", "jsonl", "--all", config=config).stdout)
    by_title = {a["title"]: a for a in exported}
    engine = by_title["India, US push jet engine co-production under iCET"]
    assert engine["source"] == "ledger-national"
    assert engine["canonical_url"] == newsweb.url("news/icet-jet-engine-co-production.html")
    # Fetched from the feed's link, tracking parameters and all; known by the page's canonical link.
    assert engine["url"] == newsweb.url("news/icet-jet-engine-co-production.html?utm_source=rss&utm_medium=feed")
    assert "Hindustan Aeronautics Limited" in engine["text"]
    assert "Most read" not in engine["text"] and "Subscribe" not in engine["text"]
    assert engine["published_at"].endswith("+00:00")
    assert [t["name"] for t in engine["topics"]] == ["icet"]

    # The wire copy and the report are one story; whichever was stored first is the original.
    wire = by_title["Fighter engine pact gathers pace as Washington and Delhi sign on"]
    original, copy = sorted((engine, wire), key=lambda a: a["id"])
    assert original["duplicate_of"] is None and original["story_id"] == original["id"]
    assert copy["duplicate_of"] == original["id"] and copy["story_id"] == original["story_id"]

    cricket = by_title["India beat USA by 7 wickets in T20 World Cup clash"]
    assert cricket["topics"] == []

    titles = sorted(post["title"] for post in receiver.posts)
    assert len(titles) == 2, titles  # the engine story and INDUS-X; the copy and cricket never alert
    assert any(original["title"] in t for t in titles) and any("INDUS-X" in t for t in titles)
    story_alert = next(p for p in receiver.posts if original["title"] in p["title"])
    body = story_alert["message"]
    assert original["url"] in body
    assert original["source"] in body and "icet" in (story_alert["title"] + body)


def test_second_crawl_stores_nothing_twice_and_alerts_nothing_twice(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "newswatch.toml", newsweb, [receiver.apprise_url])
    _crawl(config)
    first = json_lines(run_newswatch("export", "--all", config=config).stdout)
    alerts_after_first = len(receiver.posts)
    article_hits = newsweb.hits("/news/icet-jet-engine-co-production.html")

    _crawl(config)
    second = json_lines(run_newswatch("export", "--all", config=config).stdout)
    assert sorted(a["id"] for a in second) == sorted(a["id"] for a in first)
    assert len(receiver.posts) == alerts_after_first
    assert newsweb.hits("/news/icet-jet-engine-co-production.html") == article_hits  # known URL not refetched


def test_failures_are_reported_per_source_and_the_cycle_still_succeeds(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "newswatch.toml", newsweb, [receiver.apprise_url])
    result = _crawl(config)
    assert "broken-feed" in result.stdout

    sources = {s["name"]: s for s in json_lines(run_newswatch("sources", "--json", config=config).stdout)}
    assert sources["broken-feed"]["status"] == "error"
    assert sources["broken-feed"]["error"]
    national = sources["ledger-national"]
    assert national["status"] == "ok"
    assert "404" in national["error"] and "500" in national["error"]
    defence = sources["frontier-defence"]
    assert "not an article" in defence["error"]
    assert national["articles"] == 2 and defence["articles"] == 2


def test_old_feed_items_are_not_fetched(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "newswatch.toml", newsweb, [receiver.apprise_url])
    _crawl(config)
    assert newsweb.hits("/news/old-archive-story.html") == 0


def test_private_addresses_are_refused_unless_allowed(tmp_path, newsweb):
    config = write_config(tmp_path / "newswatch.toml", newsweb)
    config.write_text(config.read_text().replace("allow_private_addresses = true", "allow_private_addresses = false"))
    result = _crawl(config)
    assert newsweb.requests == []
    sources = json_lines(run_newswatch("sources", "--json", config=config).stdout)
    assert all(s["status"] == "error" and "refused" in s["error"] for s in sources)
    assert "refused" in result.stdout


def test_read_commands_show_what_was_stored(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "newswatch.toml", newsweb, [receiver.apprise_url])
    _crawl(config)

    matched = json_lines(run_newswatch("articles", "--json", config=config).stdout)
    assert {a["title"] for a in matched} >= {"India, US push jet engine co-production under iCET"}
    assert all(a["topics"] for a in matched)
    everything = json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    assert len(everything) > len(matched)
    assert len(json_lines(run_newswatch("articles", "--all", "--limit", "1", "--json", config=config).stdout)) == 1
    only_topic = json_lines(run_newswatch("articles", "--topic", "icet", "--json", config=config).stdout)
    assert {a["id"] for a in only_topic} == {a["id"] for a in matched}

    found = json_lines(run_newswatch("search", "Hindustan Aeronautics", "--json", config=config).stdout)
    assert found and all(
        "Hindustan Aeronautics" in run_newswatch("show", str(a["id"]), "--json", config=config).stdout for a in found
    )
    assert json_lines(run_newswatch("search", "wickets", "--json", config=config).stdout)[0]["title"].startswith(
        "India beat USA"
    )
    # The topic query language: a prefix finds the plural, a bare word only itself.
    assert json_lines(run_newswatch("search", "wicket*", "--json", config=config).stdout)[0]["title"].startswith(
        "India beat USA"
    )
    assert json_lines(run_newswatch("search", "wicket", "--json", config=config).stdout) == []
    assert "[icet] " in run_newswatch("alerts", config=config).stdout  # bracketed text shown as written

    engine = next(a for a in everything if a["title"].startswith("India, US push"))
    original = (
        engine if engine["duplicate_of"] is None else next(a for a in everything if a["id"] == engine["duplicate_of"])
    )
    shown = run_newswatch("show", str(original["id"]), config=config)
    assert shown.returncode == 0
    assert "matched icet" in shown.stdout and "copies" in shown.stdout
    shown_json = json_lines(run_newswatch("show", str(original["id"]), "--json", config=config).stdout)[0]
    assert len(shown_json["copies"]) == 1
    assert {shown_json["source"], shown_json["copies"][0]["source"]} == {"ledger-national", "frontier-defence"}

    csv_out = run_newswatch("export", "--format", "csv", config=config).stdout
    assert csv_out.splitlines()[0].startswith("id,url,canonical_url,title")
    atom = run_newswatch("export", "--format", "atom", config=config).stdout
    assert "<feed" in atom and "India, US push jet engine" in atom

    missing = run_newswatch("show", "99999", config=config)
    assert missing.returncode == 1 and "no article" in missing.stderr


def test_no_alert_targets_prints_alerts_to_the_terminal(tmp_path, newsweb):
    config = write_config(tmp_path / "newswatch.toml", newsweb, [])
    result = _crawl(config)
    # The engines story is told once, under whichever of the report and its wire copy was stored first.
    told = [line for line in result.stdout.splitlines() if line.startswith("[icet] ")]
    engines = [line for line in told if "jet engine co-production" in line or "Fighter engine pact" in line]
    assert len(engines) == 1, result.stdout
    assert any("INDUS-X" in line for line in told), result.stdout


def test_no_alerts_flag_stores_without_alerting(tmp_path, newsweb, receiver):
    config = write_config(tmp_path / "newswatch.toml", newsweb, [receiver.apprise_url])
    _crawl(config, "--no-alerts")
    assert receiver.posts == []
    assert json_lines(run_newswatch("articles", "--json", config=config).stdout)


def test_show_quotes_the_text_for_a_term_that_is_also_in_the_headline(tmp_path, newsweb):
    config = write_config(tmp_path / "newswatch.toml", newsweb)
    _crawl(config, "--no-alerts")
    everything = json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)
    engine = next(a for a in everything if a["title"] == "India, US push jet engine co-production under iCET")

    (shown,) = json_lines(run_newswatch("show", str(engine["id"]), "--json", config=config).stdout)
    (icet,) = [t for t in shown["topics"] if t["name"] == "icet"]
    places = {hit["field"]: hit["snippet"] for hit in icet["hits"] if hit["term"] == "iCET"}
    assert places["title"] == engine["title"]
    assert "iCET" in places["text"] and engine["title"] not in places["text"]

    printed = run_newswatch("show", str(engine["id"]), config=config).stdout
    assert printed.count("in title:") == 1  # the headline's terms in one line, not the headline again per term
    assert "iCET in text: " in printed


def test_a_report_of_the_dialogue_alerts_though_a_meet_held_ahead_of_it_named_it(tmp_path, newsweb, receiver):
    # "INDUS-X investors meet held ... ahead of the 2+2 ministerial dialogue" names the dialogue only
    # to place the meet in time: the dialogue's own report shares those words and is another
    # development. A second report of the meet, placed the same way, is the meet's story.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/dialogue.rss",
        "defence-wire",
        topics=None,
        story="INDUS-X investors",
        joins="INDUS-X start-ups",
        apart="India, US hold 2+2",
        alert="2+2 ministerial dialogue in New Delhi",
    )


def test_a_long_report_recapping_the_other_talks_of_a_visit_in_its_last_paragraph_alerts_as_its_own_event(
    tmp_path, newsweb, receiver
):
    # The Delaware talks and the Quad summit the same day: each long report ends with a paragraph
    # on the other, naming its drones and chip plant, or its Quad and cancer moonshot, twice.
    # What a report names that late is background, not what it reports: the summit alerts, and a
    # short second report of the talks joins the talks' story.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/visit.rss",
        "visit-desk",
        topics=topic_toml("visit", "Modi"),
        story="Modi and Biden review",
        joins="US Space Force",
        apart="Quad leaders launch",
        alert="Quad leaders launch cancer moonshot",
    )


def test_meetings_with_two_people_at_one_venue_the_same_morning_alert_as_two_events(tmp_path, newsweb, receiver):
    # Modi meets Musk, then Gabbard, at Blair House hours before his talks with Trump: the two
    # reports share the visit's people, places and titles and most of their wording. Each
    # headline names someone the other report never names, so they are two developments; a second
    # report of the Gabbard meeting joins hers.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/blair-house.rss",
        "visit-desk",
        topics=topic_toml("visit", "Modi"),
        story="Modi meets US intelligence",
        joins="India raises",
        apart="Modi meets Elon Musk",
        alert="Tulsi Gabbard at Blair House",
    )


def test_full_reports_of_two_meetings_of_one_summit_day_alert_as_two_events(tmp_path, newsweb, receiver):
    # Modi's talks with Biden and his first meeting with Albanese, in Tokyo on the day of the Quad
    # summit: each full report names the other meeting's leader, the summit, the city and the
    # titles, and recaps the other meeting in its last paragraphs. Their leads say different
    # things happened (talks and an investment pact; congratulations on an election win), so they
    # are two developments; another outlet's report of the pact, opening on it, joins the talks.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/tokyo.rss",
        "tokyo-desk",
        topics=topic_toml("visit", "Modi"),
        story="'A partnership of trust'",
        joins="India, US sign",
        apart="Modi meets Albanese",
        alert="Modi meets Albanese for the first time",
    )


def test_full_reports_of_a_ministers_talks_and_a_call_on_the_prime_minister_the_same_day_alert_as_two_events(
    tmp_path, newsweb, receiver
):
    # Blinken's talks with Jaishankar in the morning and his call on Modi in the evening: both
    # full reports open on what was discussed (Afghanistan, the Indo-Pacific, the pandemic, the
    # Quad), name the same city and titles, and recap each other. Their first sentences name who
    # met whom, and those differ: two developments. Another outlet's report of the call, naming
    # Biden as well and the two in the other order, joins the call.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/delhi.rss",
        "delhi-desk",
        topics=topic_toml("visit", "Blinken"),
        story="Modi meets Blinken",
        joins="Blinken calls on",
        apart="Jaishankar, Blinken hold",
        alert="Jaishankar, Blinken hold talks",
    )


def test_a_ministers_address_to_the_community_the_evening_a_pact_is_signed_alerts_as_its_own_event(
    tmp_path, newsweb, receiver
):
    # A defence industry roadmap is signed in the morning of a minister's visit; that evening he
    # addresses the Indian community, and the report of the address recaps the signing: the same
    # minister, city, roadmap, drones and 14 firms. Its lead says a speech happened, the signing
    # reports' leads that a document was signed: two developments. A second outlet's report of
    # the signing joins the signing.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/canberra.rss",
        "canberra-desk",
        topics=topic_toml("visit", "Australia"),
        story="India, Australia sign",
        joins="Roadmap signed",
        apart="India and Australia are partners",
        alert="partners by choice",
    )


def test_a_ministers_talks_with_his_counterpart_the_evening_a_deal_is_signed_alert_as_their_own_event(
    tmp_path, newsweb, receiver
):
    # A shipbuilding arrangement is signed in the morning of a minister's visit, and two outlets
    # report it. That evening he meets his counterpart, and the report of the meeting recaps the
    # signing: the same minister, city, yards and six ships. Its lead says talks were held, the
    # signing reports' leads that an arrangement was signed: two developments.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/seoul.rss",
        "seoul-desk",
        topics=topic_toml("visit", "Seoul OR Korea"),
        story="India, South Korea sign",
        joins="Arrangement signed",
        apart="Rajnath Singh, Kim Yong-hyun",
        alert="review defence cooperation",
    )


def test_a_dialogue_held_the_day_after_a_forum_of_the_same_ministers_alerts_as_its_own_event(
    tmp_path, newsweb, receiver
):
    # Two ministers co-chair a business forum on Thursday, and two outlets report it. On Friday
    # they hold a dialogue of their own, and its report recaps the forum: the same two people,
    # city, chip supply chains and visas. The leads say their happenings took place on different
    # days: two developments.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/commerce.rss",
        "commerce-desk",
        topics=topic_toml("visit", "Raimondo OR Goyal"),
        story="Goyal, Raimondo revive",
        joins="Chief executives seek",
        apart="India, US hold Commercial Dialogue",
        alert="Commercial Dialogue",
    )


def test_two_releases_of_one_office_on_one_headline_template_alert_as_two_events(tmp_path, newsweb, receiver):
    # A governor's office headlines every release "Governor Alvarez Delivers Largest ...", and
    # its texts repeat the governor, the state and the thanks. The crime figures and the drug
    # prices share the template's words and "drop" in both slots; a newspaper's report of the
    # crime figures joins the crime release.
    _two_developments(
        tmp_path,
        newsweb,
        receiver,
        "feeds/releases.rss",
        "westland",
        topics=topic_toml("westland", "Westland"),
        story="Governor Alvarez Delivers Largest Drop in Violent Crime",
        joins="Violent crime in Westland fell",
        apart="Governor Alvarez Delivers Largest Prescription Drug Price Drop",
        alert="Prescription Drug",
    )


def test_an_article_that_cannot_be_stored_is_retried_and_the_batch_around_it_keeps_its_term_counts(
    tmp_path, newsweb, receiver
):
    # How common each event term is among stored reports (table term_counts) weighs what two
    # reports share. One article of a batch failing to store must uncount only itself: its
    # batch's other reports stay counted, and it is counted once when a later crawl stores it.
    database = tmp_path / "newswatch.db"

    def counts() -> tuple[int, int]:
        with sqlite3.connect(database) as db:
            reports = db.execute("SELECT reports FROM term_counts WHERE term = ''").fetchone()[0]
            articles = db.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NULL").fetchone()[0]
        return reports, articles

    _crawl_feed(tmp_path, newsweb, receiver, "feeds/briefs.rss", "ledger-briefs")
    before = counts()
    assert before[0] == before[1] > 0
    # The database refuses the start-ups' report once its row is in (a real failure inside its
    # savepoint, after its terms were counted); the other two reports of the batch are fine.
    with sqlite3.connect(database) as db:
        db.execute(
            "CREATE TRIGGER refuse AFTER INSERT ON matches WHEN"
            " (SELECT title FROM articles WHERE id = NEW.article_id) LIKE 'INDUS-X start-ups%'"
            " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    config, stored = _crawl_feed(tmp_path, newsweb, receiver, "feeds/dialogue.rss", "defence-wire")
    titles = sorted(a["title"] for a in stored)
    assert not any(t.startswith("INDUS-X start-ups") for t in titles)
    assert any(t.startswith("INDUS-X investors") for t in titles) and any(
        t.startswith("India, US hold") for t in titles
    )
    assert counts() == (before[0] + 2, before[1] + 2)
    waiting = json_lines(run_newswatch("sources", "--pages", "--json", config=config).stdout)
    assert any("refused by the test" in (page.get("reason") or "") for page in waiting), waiting

    with sqlite3.connect(database) as db:
        db.execute("DROP TRIGGER refuse")
    _crawl(config)
    assert counts() == (before[0] + 3, before[1] + 3)
    stored = json_lines(run_newswatch("export", "--all", config=config).stdout)
    meet, pitch = _starting(stored, "INDUS-X investors", "INDUS-X start-ups")
    assert pitch["story_id"] == meet["story_id"]


def test_a_hindi_report_of_an_alerted_english_story_joins_it_and_another_hindi_development_alerts(
    tmp_path, newsweb, receiver
):
    # The Hindi report writes the English report's names in Devanagari (जीई एयरोस्पेस, बेंगलुरु,
    # तेजस) and gives the same figures: one development, one alert. A Hindi report of the same
    # day's phone call between the ministers is another development and alerts.
    config, stored = _crawl_feed(tmp_path, newsweb, receiver, "feeds/bilingual.rss", "defence-desk")
    assert len(stored) == 3 and all(a["topics"] for a in stored)
    english, hindi, call = _starting(stored, "HAL and GE", "एचएएल और जीई", "राजनाथ")
    assert hindi["language"] == "hi" and english["language"] == "en"
    assert hindi["duplicate_of"] is None
    assert hindi["story_id"] == english["story_id"]
    assert call["story_id"] != english["story_id"]
    # `show` names what joined them: the English report's names the Hindi one writes in Devanagari.
    [shown] = json_lines(run_newswatch("show", str(hindi["id"]), "--json", config=config).stdout)
    assert shown["joined"]["first_report"] == english["id"]
    assert {"HAL", "GE Aerospace"} <= set(shown["joined"]["shares"]), shown["joined"]
    alerted = sorted(post["title"] for post in receiver.posts)
    assert len(alerted) == 2, alerted
    assert any("हेगसेथ" in title for title in alerted)


def test_short_hindi_reports_join_the_english_story_they_share_three_names_with_and_another_event_alerts(
    tmp_path, newsweb, receiver
):
    # Short reports name few things. The ten-year framework's English and Hindi reports share the
    # minister, the secretary, "ten"... and Kuala Lumpur, which Hindi writes as one word
    # (कुआलालंपुर); the tariff's share Donald Trump, 25 and "tariff", most of what the English
    # report names. The minister's speech to ASEAN ministers the next day in the same city is
    # another development and alerts.
    india = topic_toml("india", "India OR भारत")
    _, stored = _crawl_feed(tmp_path, newsweb, receiver, "feeds/briefs-hi.rss", "briefs-hi", topics=india)
    assert len(stored) == 5 and all(a["topics"] for a in stored)
    framework, framework_hi, tariff, tariff_hi, speech = _starting(
        stored, "India and US sign", "भारत और अमेरिका ने", "Trump announces", "ट्रंप ने", "कुआलालंपुर में आसियान"
    )
    assert framework_hi["story_id"] == framework["story_id"]
    assert tariff_hi["story_id"] == tariff["story_id"]
    assert speech["story_id"] not in (framework["story_id"], tariff["story_id"])
    alerted = sorted(post["title"] for post in receiver.posts)
    assert len(alerted) == 3, alerted
    assert any("आसियान" in title for title in alerted)


def test_short_article_pages_alert_and_pages_showing_one_notice_are_not_copies(tmp_path, newsweb, receiver):
    config, articles = _crawl_feed(tmp_path, newsweb, receiver, "feeds/briefs.rss", "ledger-briefs")
    stored = {a["title"]: a for a in articles}
    statement = stored["India, US launch TRUST review of semiconductor supply chains"]
    assert statement["text"].startswith("India and the United States began a joint review")
    assert [t["name"] for t in statement["topics"]] == ["icet"]
    # Two subscriber pages that show one notice and differ by their headlines: two articles.
    quantum = stored["iCET: Delhi and Washington pick three quantum research hubs"]
    vehicles = stored["iCET: India and US agree on rules for co-producing armoured vehicles"]
    assert quantum["duplicate_of"] is None and vehicles["duplicate_of"] is None
    assert quantum["story_id"] != vehicles["story_id"]
    # A plain page with no article markers, listed by the feed with a date: a flash, not furniture.
    flash = stored["Flash: HAL and GE finish first F414 engine under iCET deal"]
    assert flash["text"].startswith("Hindustan Aeronautics and GE Aerospace rolled out")
    alerted = sorted(post["title"] for post in receiver.posts)
    assert len(alerted) == 4, alerted
    for title in stored:
        assert any(title in line for line in alerted)

    # A short page that neither says it is an article nor has a date in the feed is refused, with the reason.
    (briefs,) = json_lines(run_newswatch("sources", "--json", config=config).stdout)
    assert "Photo of the day" not in stored
    assert "too little article text" in briefs["error"] and "need 200" in briefs["error"]
    assert "photo-of-the-day" in briefs["error"]


def test_a_fact_sheet_posted_with_its_proclamation_does_not_alert_as_another_event(tmp_path, newsweb, receiver):
    # An office posts each action with its fact sheet a minute apart, two actions in three
    # minutes. The drone proclamation and its fact sheet are written for different readers and
    # share little ("components", the tariff); each fact sheet joins its own action, not the other
    # action posted beside it.
    _, stored = _crawl_feed(
        tmp_path,
        newsweb,
        receiver,
        "feeds/actions.rss",
        "westland-actions",
        topics=topic_toml("westland", "drones OR unmanned OR navy OR shipbuilding"),
    )
    assert len(stored) == 4 and all(a["topics"] for a in stored)
    drones, drone_sheet, navy, navy_sheet = _starting(
        stored,
        "Adjusting Imports",
        "Fact Sheet: President Elena Ruiz Bolsters",
        "Rebuilding",
        "Fact Sheet: President Elena Ruiz Rebuilds",
    )
    assert drone_sheet["story_id"] == drones["story_id"]
    assert navy_sheet["story_id"] == navy["story_id"]
    assert drones["story_id"] != navy["story_id"]
    alerted = sorted(post["title"] for post in receiver.posts)
    assert len(alerted) == 2, alerted
