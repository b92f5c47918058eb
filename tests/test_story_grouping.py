"""How independent reports (not copies) are grouped into stories in the database: a report joins
the story whose first report covers the same event, and a story does not creep from event to
event through reports that each resemble the one before."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crawler.items import Article
from db.store import RecentStories, save_article
from scheduler.app import open_db
from scheduler.config import validate

DEAL = ("India and US sign GE jet engine deal in New Delhi",
        "India and the United States signed a deal in New Delhi on Monday for General Electric to co-produce "
        "F414 jet engines with Hindustan Aeronautics. Defence Minister Rajnath Singh and Lloyd Austin attended "
        "the signing. The engines will power the Tejas Mk2 fighter.")
FOLLOW_UP = ("GE jet engine deal: Hindustan Aeronautics to build F414 parts in Bengaluru",
             "After the jet engine deal signed in New Delhi, Hindustan Aeronautics will build F414 engine parts "
             "in Bengaluru, General Electric said. Tata Advanced Systems will supply castings from its Hyderabad "
             "plant. The first engines are due in 2028.")
# Shares the follow-up's side details (Tata, Hyderabad, Bengaluru), not the deal: another event.
DRONES = ("Tata Advanced Systems to build drone parts in Hyderabad for the Navy",
          "Tata Advanced Systems will build drone parts at its Hyderabad plant for the Indian Navy, the company "
          "said. Hindustan Aeronautics will test the drones in Bengaluru. The first drones are due in 2027.")


def _store(sessions, recent, number, title, text, when):
    article = Article(url=f"http://news.test/{number}", canonical_url=f"http://news.test/{number}",
                      source=f"outlet-{number}", title=title, text=text, fetched_at=when, published_at=when)
    with sessions.begin() as session:
        return save_article(session, article, [], when, recent=recent).row.story_id


def test_a_story_joins_reports_of_its_event_but_does_not_creep_to_the_next_event(tmp_path):
    config = validate({"database": {"url": f"sqlite:///{tmp_path}/n.db"}}, "test", tmp_path / "n.toml",
                      check_targets=False)
    sessions, recent = open_db(config), RecentStories()
    start = datetime(2026, 11, 26, 8, tzinfo=timezone.utc)
    deal = _store(sessions, recent, 1, *DEAL, start)
    follow_up = _store(sessions, recent, 2, *FOLLOW_UP, start + timedelta(hours=1))
    drones = _store(sessions, recent, 3, *DRONES, start + timedelta(hours=2))
    assert follow_up == deal
    assert drones != deal
