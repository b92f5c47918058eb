"""`newswatch split`: a development the story lookup joined to another story made no alert; named
by hand, its reports leave that story, become a story of their own and alert once."""

from __future__ import annotations

import html

from tests.conftest import json_lines, run_newswatch, write_config
from tests.storyweb import ENGINES, ENGINES_WIRE, FUND, FUND_FOLLOW_UP, publish
from tests.webview import Client, WebCommand

# The lookup joins these two reports (they share the fund, iDEX, the Pentagon's unit, counter-drone
# sensors...). A reader who knows the second to be news of its own splits it out.
FUND_SECOND_ROUND = (
    "INDUS-X fund picks six more start-ups for counter-drone sensors",
    [
        "The joint INDUS-X fund has picked six more start-ups for counter-drone sensors and undersea domain "
        "awareness, India's iDEX and the Pentagon's Defense Innovation Unit said, in its second round.",
        "The fund, the first money committed under the iCET defence innovation bridge, now backs twelve "
        "companies in Bengaluru and Hyderabad.",
    ],
)


def _crawl(config) -> None:
    result = run_newswatch("crawl", config=config)
    assert result.returncode == 0, result.stderr


def _stored(config) -> dict[str, dict]:
    return {a["title"]: a for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)}


def test_a_split_out_report_becomes_its_own_story_and_alerts_once(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "defence-wire", [("fund", FUND, 120), ("second", FUND_SECOND_ROUND, 60)])
    sources += publish(
        newsweb, "reprints", [("second", ("Six more start-ups for INDUS-X fund", FUND_SECOND_ROUND[1]), 30)]
    )
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    _crawl(config)
    stored = _stored(config)
    fund, second = stored[FUND[0]], stored[FUND_SECOND_ROUND[0]]
    assert second["story_id"] == fund["story_id"], "the two reports were meant to join one story"
    assert len(receiver.posts) == 1
    copy = next(a for a in stored.values() if a["duplicate_of"] == second["id"])
    # `show` says what joined it: what it shares with the story's first report, the rarest first.
    [shown] = json_lines(run_newswatch("show", str(second["id"]), "--json", config=config).stdout)
    assert shown["joined"]["first_report"] == fund["id"] and shown["joined"]["score"] >= 0.2
    assert {"iDEX", "INDUS", "Defense Innovation Unit"} <= set(shown["joined"]["shares"]), shown["joined"]
    assert "India" not in shown["joined"]["shares"][:3]
    text = run_newswatch("show", str(second["id"]), config=config).stdout
    assert f"with #{fund['id']}, its story's first report" in text

    result = run_newswatch("split", str(second["id"]), "--json", config=config)
    assert result.returncode == 0, result.stderr
    [outcome] = json_lines(result.stdout)
    assert outcome["story_id"] == second["id"]
    assert outcome["articles"] == [{"id": second["id"], "left_story": fund["story_id"]}]
    assert outcome["alert"].startswith(f"split from story {fund['id']} by hand; icet: alerted (alert #")

    after = {a["id"]: a for a in json_lines(run_newswatch("articles", "--all", "--json", config=config).stdout)}
    assert after[second["id"]]["story_id"] == second["id"]
    assert after[copy["id"]]["story_id"] == second["id"], "its copy stayed behind"
    assert after[fund["id"]]["story_id"] == fund["id"]
    assert [post["title"].split("] ", 1)[1] for post in receiver.posts][1:] == [FUND_SECOND_ROUND[0]]
    [shown] = json_lines(run_newswatch("show", str(second["id"]), "--json", config=config).stdout)
    assert shown["story_id"] == second["id"] and "alerted (alert #" in shown["alert"]
    assert shown["joined"] is None

    # Split twice, or crawled again, it alerts no more.
    again = run_newswatch("split", str(second["id"]), config=config)
    assert again.returncode == 1 and f"first report of story {second['id']}" in again.stderr
    _crawl(config)
    assert len(receiver.posts) == 2


def test_reports_split_together_form_one_story_whose_earliest_report_alerts(tmp_path, newsweb, receiver):
    sources = publish(
        newsweb,
        "defence-wire",
        [("fund", FUND, 180), ("follow-up", FUND_FOLLOW_UP, 120), ("second", FUND_SECOND_ROUND, 60)],
    )
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    _crawl(config)
    stored = _stored(config)
    fund, follow_up, second = (stored[t[0]] for t in (FUND, FUND_FOLLOW_UP, FUND_SECOND_ROUND))
    assert fund["story_id"] == follow_up["story_id"] == second["story_id"]

    result = run_newswatch("split", str(second["id"]), str(follow_up["id"]), config=config)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"story {follow_up['id']}: #{follow_up['id']} (left story {fund['id']})")
    after = _stored(config)
    assert after[FUND_SECOND_ROUND[0]]["story_id"] == after[FUND_FOLLOW_UP[0]]["story_id"] == follow_up["id"]
    assert sorted(post["title"].split("] ", 1)[1] for post in receiver.posts) == sorted([FUND[0], FUND_FOLLOW_UP[0]])
    [shown] = json_lines(run_newswatch("show", str(second["id"]), "--json", config=config).stdout)
    assert shown["alert"] == f"not alerted: moved into story {follow_up['id']} with #{follow_up['id']}"


def test_split_refuses_a_copy_a_first_report_and_an_unknown_id_and_changes_nothing(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "defence-wire", [("engines", ENGINES, 120)])
    sources += publish(newsweb, "reprints", [("engines", ENGINES_WIRE, 60)])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    _crawl(config)
    stored = _stored(config)
    original, copy = stored[ENGINES[0]], stored[ENGINES_WIRE[0]]
    assert copy["duplicate_of"] == original["id"]

    cases = {
        str(copy["id"]): f"is a copy of #{original['id']}, the first report of story {original['id']}: it has no story",
        str(original["id"]): f"is the first report of story {original['id']}",
        "999": "no article 999; the newest id is",
    }
    for article_id, reason in cases.items():
        result = run_newswatch("split", article_id, config=config)
        assert result.returncode == 1, result.stdout
        assert reason in result.stderr
    assert _stored(config) == stored
    assert len(receiver.posts) == 1


def test_the_web_view_shows_what_a_report_joined_on_and_splits_it_out_with_its_alert(tmp_path, newsweb, receiver):
    sources = publish(newsweb, "defence-wire", [("fund", FUND, 120), ("second", FUND_SECOND_ROUND, 60)])
    config = write_config(tmp_path / "n.toml", newsweb, [receiver.apprise_url], sources=sources)
    _crawl(config)
    stored = _stored(config)
    fund, second = stored[FUND[0]], stored[FUND_SECOND_ROUND[0]]
    assert second["story_id"] == fund["id"] and len(receiver.posts) == 1

    with WebCommand(config) as web:
        client = Client(web.url)
        page = html.unescape(client.get(f"/articles/{second['id']}").body)
        assert "its story's first report" in page and "iDEX" in page
        assert "Split into a story of its own" in page
        assert "Split into a story of its own" not in client.get(f"/articles/{fund['id']}").body
        path = f"/articles/{second['id']}/split"
        assert client.post(path, {}).status == 403  # no CSRF token: nothing moves
        answer = client.post(path, {"csrf_token": client.csrf_token(f"/articles/{second['id']}")})
        assert answer.status == 303 and answer.headers["location"] == f"/articles/{second['id']}"
        again = client.post(path, {"csrf_token": client.csrf_token(f"/articles/{second['id']}")})
        assert again.status == 409 and "first report of story" in html.unescape(again.body)
        unknown = client.post("/articles/999/split", {"csrf_token": client.csrf_token(f"/articles/{second['id']}")})
        assert unknown.status == 404

    assert _stored(config)[FUND_SECOND_ROUND[0]]["story_id"] == second["id"]
    assert [post["title"].split("] ", 1)[1] for post in receiver.posts] == [FUND[0], FUND_SECOND_ROUND[0]]


def test_split_where_there_is_no_database_says_so_and_creates_none(tmp_path):
    result = run_newswatch("split", "1", cwd=tmp_path)
    assert result.returncode == 1
    assert "does not exist yet" in result.stderr and "newswatch crawl" in result.stderr
    assert list(tmp_path.iterdir()) == []
