"""After topics change, `newswatch rematch` brings stored articles in line without alerting
old stories, unless asked."""

from __future__ import annotations

from tests.conftest import json_lines, run_newswatch, topic_toml, write_config


def test_rematch_applies_a_new_topic_to_stored_articles_without_alerting(tmp_path, newsweb, receiver):
    path = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    assert run_newswatch("crawl", config=path).returncode == 0
    alerts_before = len(receiver.posts)
    icet_before = _matched_ids(path, "icet")
    assert icet_before
    assert json_lines(run_newswatch("articles", "--topic", "cricket", "--json", config=path).stdout) == []

    path.write_text(path.read_text() + "\n" + topic_toml("cricket", '"T20 World Cup" OR wickets'))
    result = run_newswatch("rematch", "--topic", "cricket", config=path)
    assert result.returncode == 0 and "1 new match," in result.stdout
    cricket = json_lines(run_newswatch("articles", "--topic", "cricket", "--json", config=path).stdout)
    assert [a["title"] for a in cricket] == ["India beat USA by 7 wickets in T20 World Cup clash"]
    assert len(receiver.posts) == alerts_before

    # Narrowing a topic removes matches that no longer hold.
    path.write_text(
        path.read_text().replace(
            topic_toml("cricket", '"T20 World Cup" OR wickets'), topic_toml("cricket", '"Ranji Trophy"')
        )
    )
    assert run_newswatch("rematch", config=path).returncode == 0
    assert json_lines(run_newswatch("articles", "--topic", "cricket", "--json", config=path).stdout) == []
    # Re-matching every topic leaves the unchanged one's matches as they were.
    assert _matched_ids(path, "icet") == icet_before


def _matched_ids(path, topic: str) -> set[int]:
    return {a["id"] for a in json_lines(run_newswatch("articles", "--topic", topic, "--json", config=path).stdout)}


def test_rematch_with_alert_tells_newly_matching_stories(tmp_path, newsweb, receiver):
    path = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    assert run_newswatch("crawl", config=path).returncode == 0
    before = len(receiver.posts)
    path.write_text(path.read_text() + "\n" + topic_toml("cricket", "wickets"))
    assert run_newswatch("rematch", "--topic", "cricket", "--alert", config=path).returncode == 0
    new = receiver.posts[before:]
    assert len(new) == 1 and "India beat USA" in new[0]["title"]


def test_rematch_of_an_unknown_topic_is_a_usage_error(tmp_path, newsweb):
    path = write_config(tmp_path / "n.toml", newsweb)
    result = run_newswatch("rematch", "--topic", "nope", config=path)
    assert result.returncode == 2 and "nope" in result.stderr


def test_rematch_with_alert_keeps_what_show_said_of_the_other_topics(tmp_path, newsweb, receiver):
    path = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url])
    assert run_newswatch("crawl", config=path).returncode == 0
    stored = json_lines(run_newswatch("articles", "--all", "--json", config=path).stdout)
    notes = {a["id"]: _alert_line(path, a["id"]) for a in stored}
    path.write_text(path.read_text() + "\n" + topic_toml("engines", "F414 OR engine*"))
    assert run_newswatch("rematch", "--topic", "engines", "--alert", config=path).returncode == 0
    engines = {
        a["id"] for a in json_lines(run_newswatch("articles", "--topic", "engines", "--json", config=path).stdout)
    }
    assert engines
    for article_id in engines:
        line = _alert_line(path, article_id)
        before = (notes[article_id] or "").split("; deliveries:")[0]
        # What it said of icet stays; what became of the new topic is added.
        assert line.startswith(before) and "engines: " in line.removeprefix(before), (before, line)


def _alert_line(path, article_id: int) -> str | None:
    return json_lines(run_newswatch("show", str(article_id), "--json", config=path).stdout)[0]["alert"]
