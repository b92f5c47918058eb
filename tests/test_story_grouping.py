"""How independent reports (not copies) are grouped into stories in the database: a report joins
the story whose first report covers the same event, and a story does not creep from event to
event through reports that each resemble the one before, nor lose an alerted story on a busy day."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from newswatch.db import store
from newswatch.db.models import Article as ArticleRow
from newswatch.db.store import RecentStories, save_article
from newswatch.domain.items import Article, Match
from newswatch.scheduler.app import open_db
from newswatch.scheduler.config import validate

DEAL = (
    "India and US sign GE jet engine deal in New Delhi",
    "India and the United States signed a deal in New Delhi on Monday for General Electric to co-produce "
    "F414 jet engines with Hindustan Aeronautics. Defence Minister Rajnath Singh and Lloyd Austin attended "
    "the signing. The engines will power the Tejas Mk2 fighter.",
)
FOLLOW_UP = (
    "GE jet engine deal: Hindustan Aeronautics to build F414 parts in Bengaluru",
    "After the jet engine deal signed in New Delhi, Hindustan Aeronautics will build F414 engine parts "
    "in Bengaluru, General Electric said. Tata Advanced Systems will supply castings from its Hyderabad "
    "plant. The first engines are due in 2028.",
)
# Shares the follow-up's side details (Tata, Hyderabad, Bengaluru), not the deal: another event.
DRONES = (
    "Tata Advanced Systems to build drone parts in Hyderabad for the Navy",
    "Tata Advanced Systems will build drone parts at its Hyderabad plant for the Indian Navy, the company "
    "said. Hindustan Aeronautics will test the drones in Bengaluru. The first drones are due in 2027.",
)


def _store(sessions, recent, number, title, text, when, matches=(), outlet=None):
    article = Article(
        url=f"http://news.test/{number}",
        canonical_url=f"http://news.test/{number}",
        source=f"outlet-{number}",
        title=title,
        text=text,
        fetched_at=when,
        published_at=when,
        outlet=outlet,
    )
    with sessions.begin() as session:
        return save_article(session, article, list(matches), when, recent=recent).row.story_id


def _crawled_apart(tmp_path, start, *reports, outlet=None):
    """Story ids of (title, text, hours after `start`) reports, stored in this order, each by a
    crawl of its own: a later crawl reads the earlier ones back from the database. All of them
    published by `outlet`, when given."""
    sessions = _sessions(tmp_path)
    return [
        _store(sessions, RecentStories(), number, title, text, start + timedelta(hours=hours), outlet=outlet)
        for number, (title, text, hours) in enumerate(reports, 1)
    ]


def _filler(number):
    """An unrelated report of its own (title, text), different for every number: its words come
    from four hundred made-up names, so two of them share a word or two at most."""
    starts = (
        "ka",
        "lo",
        "mi",
        "ru",
        "te",
        "zo",
        "pa",
        "ne",
        "vi",
        "su",
        "ba",
        "do",
        "fi",
        "gu",
        "ho",
        "ji",
        "ku",
        "ma",
        "no",
        "po",
    )
    ends = (
        "ran",
        "del",
        "mok",
        "tis",
        "bur",
        "fen",
        "gal",
        "hum",
        "jor",
        "lex",
        "nip",
        "osk",
        "pry",
        "quo",
        "rud",
        "sav",
        "tov",
        "ulm",
        "vek",
        "wyn",
    )
    rng = random.Random(number)
    chosen = rng.sample([a + b for a in starts for b in ends], 24)
    text = ". ".join(" ".join(word.capitalize() for word in chosen[i : i + 6]) for i in range(6, 24, 6)) + "."
    return " ".join(chosen[:6]).capitalize(), text


def _sessions(tmp_path):
    config = validate(
        {"database": {"url": f"sqlite:///{tmp_path}/n.db"}}, "test", tmp_path / "n.toml", check_targets=False
    )
    return open_db(config)


def test_a_story_joins_reports_of_its_event_but_does_not_creep_to_the_next_event(tmp_path):
    sessions, recent = _sessions(tmp_path), RecentStories()
    start = datetime(2026, 11, 26, 8, tzinfo=UTC)
    deal = _store(sessions, recent, 1, *DEAL, start)
    follow_up = _store(sessions, recent, 2, *FOLLOW_UP, start + timedelta(hours=1))
    drones = _store(sessions, recent, 3, *DRONES, start + timedelta(hours=2))
    assert follow_up == deal
    assert drones != deal


def test_a_busy_day_does_not_push_an_alerted_story_out_of_reach(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "STORY_CANDIDATES", 5)  # a busy day in miniature
    sessions, recent = _sessions(tmp_path), RecentStories()
    start = datetime(2026, 11, 26, 8, tzinfo=UTC)
    deal = _store(sessions, recent, 1, *DEAL, start, [Match("icet", 5.0)])
    # More unrelated, unmatched stories (each its own text, so none is a copy) than the limit.
    for number in range(2, 12):
        _store(sessions, recent, number, *_filler(number), start + timedelta(minutes=number))
    follow_up = _store(sessions, recent, 20, *FOLLOW_UP, start + timedelta(hours=2))
    assert follow_up == deal
    with sessions() as session:  # the filler really was ten stories of its own
        assert len(set(session.scalars(select(ArticleRow.story_id).where(ArticleRow.id.between(2, 11))))) == 10


def test_a_report_stored_by_another_crawl_meanwhile_is_found(tmp_path):
    sessions = _sessions(tmp_path)
    mine, theirs = RecentStories(), RecentStories()
    start = datetime(2026, 11, 26, 8, tzinfo=UTC)
    drones = _store(sessions, mine, 1, *DRONES, start)  # this crawl has read the story seeds once
    deal = _store(sessions, theirs, 2, *DEAL, start + timedelta(minutes=5))  # another crawl stores the deal
    follow_up = _store(sessions, mine, 3, *FOLLOW_UP, start + timedelta(hours=1))
    assert follow_up == deal != drones


def test_a_report_whose_transaction_rolled_back_leaves_nothing_behind(tmp_path):
    sessions, recent = _sessions(tmp_path), RecentStories()
    start = datetime(2026, 11, 26, 8, tzinfo=UTC)
    _store(sessions, recent, 1, *_filler(1), start)
    session = sessions()
    with session.begin():
        deal = Article(
            url="http://news.test/2",
            canonical_url="http://news.test/2",
            source="outlet-2",
            title=DEAL[0],
            text=DEAL[1],
            fetched_at=start,
            published_at=start,
        )
        rolled_back = save_article(session, deal, [], start, recent=recent).row.id
        session.rollback()
    # SQLite hands the rolled-back row's id to the next row: an unrelated report another crawl stores.
    assert _store(sessions, RecentStories(), 3, *_filler(3), start + timedelta(minutes=30)) == rolled_back
    follow_up = _store(sessions, recent, 4, *FOLLOW_UP, start + timedelta(hours=1))
    with sessions() as session:
        assert session.scalar(select(ArticleRow.title).where(ArticleRow.id == follow_up)) == FOLLOW_UP[0]


def test_story_seeds_are_compared_by_their_stored_profile_and_older_rows_by_their_text(tmp_path):
    from sqlalchemy import update

    from newswatch.domain.fingerprint import event_profile

    sessions = _sessions(tmp_path)
    start = datetime(2026, 11, 26, 8, tzinfo=UTC)
    deal = _store(sessions, RecentStories(), 1, *DEAL, start)
    older = _store(sessions, RecentStories(), 2, *_filler(2), start)
    with sessions.begin() as session:
        # The deal's text is gone (its stored profile must do); the other row predates stored profiles.
        session.execute(update(ArticleRow).where(ArticleRow.id == deal).values(text=None))
        session.execute(update(ArticleRow).where(ArticleRow.id == older).values(event_terms=None))
    recent = RecentStories()
    with sessions() as session:
        recent.load(session, [deal, older])
    assert recent.index.profiles[deal] == event_profile(*DEAL)
    assert recent.index.profiles[older] == event_profile(*_filler(2))
    follow_up = _store(sessions, recent, 3, *FOLLOW_UP, start + timedelta(hours=1))
    assert follow_up == deal


WINE = (
    "Trump threatens new tariffs on wine from Europe",
    "On Sunday, Donald Trump said that the US would put new tariffs on wine and spirits from Europe unless "
    "the bloc dropped its levies. Trump spoke to reporters on his way back to the capital and gave no date.",
)
THIRD_TERM = (
    "Trump says there are 'methods' for him to seek a third term",
    "Speaking on Sunday, Donald Trump told reporters that he was not joking about a third term, and that "
    "there were methods by which he could stay in office. Critics in the US said the constitution rules it out.",
)
WINE_ANSWER = (
    "Europe prepares its answer to Trump's wine tariff threat",
    "The European Commission said it was ready to answer Donald Trump's threat of new tariffs on wine and "
    "spirits from Europe. Trump had said on Sunday that the US would act unless the levies were dropped.",
)


def test_two_stories_about_one_man_on_one_day_stay_two_stories(tmp_path):
    # All they share is "Donald Trump" and "US": one name is one thing, however many words it has.
    sessions, recent = _sessions(tmp_path), RecentStories()
    start = datetime(2025, 3, 30, 18, tzinfo=UTC)
    wine = _store(sessions, recent, 1, *WINE, start)
    third_term = _store(sessions, recent, 2, *THIRD_TERM, start + timedelta(hours=2))
    answer = _store(sessions, recent, 3, *WINE_ANSWER, start + timedelta(hours=5))
    assert third_term != wine
    assert answer == wine


def test_a_story_seed_stored_before_name_runs_existed_is_not_joined_by_a_mere_name(tmp_path):
    sessions = _sessions(tmp_path)
    start = datetime(2025, 3, 30, 18, tzinfo=UTC)
    wine = _store(sessions, RecentStories(), 1, *WINE, start)
    with sessions.begin() as session:  # the profile as an earlier version stored it: no "runs"
        row = session.get(ArticleRow, wine)
        row.event_terms = {key: value for key, value in row.event_terms.items() if key != "runs"}
    third_term = _store(sessions, RecentStories(), 2, *THIRD_TERM, start + timedelta(hours=2))
    answer = _store(sessions, RecentStories(), 3, *WINE_ANSWER, start + timedelta(hours=5))
    assert third_term != wine
    assert answer == wine


QUAKE = (
    "Strong earthquake strikes central Myanmar",
    "A magnitude 7.7 earthquake struck near Mandalay on Friday, the Geological Survey said. "
    "Buildings collapsed across the city and bridges fell into the river.",
)
QUAKE_RESCUE = (
    "Rescuers dig through rubble in Myanmar as the toll climbs",
    "Teams pulled survivors from collapsed apartment blocks on Saturday, a day after the 7.7 quake. "
    "Thailand sent doctors and sniffer dogs.",
)
# Shares a place and a year with the earthquake, as unrelated news from one country does.
ELECTION = (
    "Myanmar junta sets a date for its 2025 election",
    "The military government said voting would begin in December 2025 in townships it controls. "
    "Opposition groups called the poll a sham and urged a boycott.",
)


def test_two_short_reports_of_one_earthquake_sharing_its_place_and_magnitude_are_one_story(tmp_path):
    # "Myanmar" and "7.7" are two things, short of what two reports must share; a magnitude, a sum
    # or a turnout figure names the event more surely than a word, so the rescue report joins.
    sessions, recent = _sessions(tmp_path), RecentStories()
    start = datetime(2025, 3, 28, 7, tzinfo=UTC)
    quake = _store(sessions, recent, 1, *QUAKE, start)
    election = _store(sessions, recent, 2, *ELECTION, start + timedelta(hours=3))
    rescue = _store(sessions, recent, 3, *QUAKE_RESCUE, start + timedelta(hours=20))
    assert rescue == quake
    assert election != quake  # a year is no such figure


MEET = (
    "INDUS-X investors meet held in New Delhi ahead of India-US 2+2 ministerial dialogue",
    "The first INDUS-X investors meet was held in New Delhi on Wednesday ahead of the India-US 2+2 ministerial"
    " dialogue. The Defence Innovation Organisation and the Defense Innovation Unit brought forty start-ups"
    " before venture funds. Officials said the INDUS-X network would fund two new challenges.",
)
DIALOGUE = (
    "India, US hold 2+2 ministerial dialogue in New Delhi",
    "The foreign and defence ministers of India and the United States held the 2+2 ministerial dialogue in"
    " New Delhi on Thursday and reviewed cooperation in critical technologies and space.",
)


def test_a_stored_story_placed_ahead_of_another_event_is_not_joined_by_that_event_in_a_later_crawl(tmp_path):
    # The meet's story is read back from the database by the next crawl: what it named only as its
    # context ("ahead of the 2+2 ministerial dialogue") must still not pull the dialogue in.
    sessions = _sessions(tmp_path)
    start = datetime(2023, 11, 8, 9, tzinfo=UTC)
    meet = _store(sessions, RecentStories(), 1, *MEET, start)
    dialogue = _store(sessions, RecentStories(), 2, *DIALOGUE, start + timedelta(days=1))
    assert dialogue != meet
    pitch = (
        "INDUS-X start-ups pitch to venture funds on the eve of 2+2 ministerial dialogue",
        "Forty defence start-ups pitched to venture funds at the INDUS-X investors meet in New Delhi on the eve of"
        " the 2+2 ministerial dialogue. The Defense Innovation Unit said the INDUS-X network would fund new"
        " challenges.",
    )
    assert _store(sessions, RecentStories(), 3, *pitch, start + timedelta(hours=2)) == meet


def test_a_headline_placed_on_eve_of_another_event_without_the_article_is_not_joined_to_that_event(tmp_path):
    # Headlines drop articles ("on eve of 2+2"): the clause still only places the pitch in time.
    sessions = _sessions(tmp_path)
    start = datetime(2023, 11, 8, 9, tzinfo=UTC)
    dialogue = _store(sessions, RecentStories(), 1, *DIALOGUE, start + timedelta(days=1))
    pitch = (
        "INDUS-X start-ups pitch to venture funds on eve of 2+2 ministerial dialogue",
        "Forty defence start-ups pitched to venture funds at the INDUS-X investors meet in New Delhi ahead of"
        " the 2+2 ministerial dialogue. The Defense Innovation Unit said the INDUS-X network would fund new"
        " challenges.",
    )
    assert _store(sessions, RecentStories(), 2, *pitch, start + timedelta(hours=20)) != dialogue


ENGLISH_PLANT = (
    "Micron to invest up to $825 million in Gujarat chip assembly plant",
    "US memory chipmaker Micron Technology said on Thursday it would invest up to $825 million in a chip assembly"
    " and test facility in Sanand, Gujarat, its first factory in India. The total investment will be $2.75 billion.",
)
HINDI_PLANT = (
    "माइक्रोन गुजरात के साणंद में लगाएगी सेमीकंडक्टर प्लांट, 2.75 अरब डॉलर का निवेश",
    "अमेरिकी चिप कंपनी माइक्रोन टेक्नोलॉजी गुजरात के साणंद में सेमीकंडक्टर असेंबली और टेस्ट प्लांट लगाएगी। कुल 2.75 अरब"
    " डॉलर के निवेश में बाकी पैसा केंद्र और राज्य सरकार देंगी।",
)
HINDI_OTHER = (
    "गुजरात में भारी बारिश, साणंद और अहमदाबाद में जलभराव",
    "गुजरात के साणंद और अहमदाबाद में गुरुवार को भारी बारिश से कई इलाकों में पानी भर गया।"
    " मौसम विभाग ने दो दिन और बारिश की चेतावनी दी।",
)


def test_a_hindi_report_joins_the_stored_english_story_of_its_event_and_not_of_its_place(tmp_path):
    # The English story is read back from the database by a later crawl; the Hindi report names
    # Micron, Gujarat and Sanand in Devanagari and gives the same figure. A Hindi report of rain
    # in the same places the same day shares the places only.
    start = datetime(2023, 6, 22, 12, tzinfo=UTC)
    english, hindi, other = _crawled_apart(tmp_path, start, (*ENGLISH_PLANT, 0), (*HINDI_PLANT, 8), (*HINDI_OTHER, 9))
    assert hindi == english and other != english


TWO_PLUS_TWO_PREVIEW = (
    "Rajnath Singh, Jaishankar to co-chair 2+2 ministerial dialogue with US counterparts",
    "Defence Minister Rajnath Singh and External Affairs Minister S Jaishankar will co-chair the India-US 2+2"
    " ministerial dialogue with Lloyd Austin and Antony Blinken in New Delhi on Friday.",
)
TWO_PLUS_TWO_HELD = (
    "India, US hold 2+2 ministerial dialogue",
    "Blinken said the US and India are promoting a free and open Indo-Pacific, and that defence cooperation is"
    " a key pillar. Officials said the 2+2 reviewed critical technologies, space and critical minerals.",
)


def test_reports_of_a_2_plus_2_dialogue_share_its_name_and_are_one_story(tmp_path):
    # "2+2" names the meeting; read as two 2s it was a digit that many stored headlines carry
    # ("Phase 2", "Day 2"), which weighs next to nothing in a store where most reports name India and the US.
    sessions = _sessions(tmp_path)
    start = datetime(2023, 11, 9, 6, tzinfo=UTC)
    recent = RecentStories()
    with sessions.begin() as session:  # an archive of older reports, fetched in one crawl the day before
        for number in range(10, 160):
            title, text = _filler(number)
            url, fetched = f"http://news.test/{number}", start - timedelta(days=1, seconds=-number)
            older = Article(
                url=url,
                canonical_url=url,
                source="wire",
                title=f"{title}: India, US in phase 2",
                text=text,
                fetched_at=fetched,
                published_at=start - timedelta(days=10 + 4 * number),  # days apart: no two are one story
            )
            save_article(session, older, [], fetched, recent=recent)
        recent.flush(session)
    preview = _store(sessions, RecentStories(), 1, *TWO_PLUS_TWO_PREVIEW, start)
    assert _store(sessions, RecentStories(), 2, *TWO_PLUS_TWO_HELD, start + timedelta(days=1)) == preview


FRAMEWORK_AT_ADMM = (
    "India, US sign ten-year defence framework in Kuala Lumpur",
    "Defence Minister Rajnath Singh and US Secretary of War Pete Hegseth signed a ten-year framework for the"
    " India-US defence partnership in Kuala Lumpur on Friday, on the sidelines of the ADMM-Plus meeting.",
)
HINDI_FRAMEWORK = (
    "राजनाथ सिंह और पीट हेगसेथ ने दस साल के रक्षा ढांचे पर किए हस्ताक्षर",
    "रक्षा मंत्री राजनाथ सिंह और अमेरिकी युद्ध मंत्री पीट हेगसेथ ने शुक्रवार को कुआलालंपुर में भारत-अमेरिका रक्षा"
    " साझेदारी के दस साल के ढांचे पर हस्ताक्षर किए।",
)
HINDI_ADMM_SPEECH = (
    "एडीएमएम-प्लस में राजनाथ सिंह बोले, समुद्र में नौवहन की आजादी जरूरी",
    "कुआलालंपुर में एडीएमएम-प्लस बैठक को संबोधित करते हुए राजनाथ सिंह ने कहा कि समुद्री विवाद बातचीत से सुलझने"
    " चाहिए। एडीएमएम-प्लस में आसियान देशों के रक्षा मंत्री शामिल हुए।",
)


def test_a_meeting_named_as_the_sidelines_of_a_signing_is_not_the_signings_story(tmp_path):
    # The framework was signed "on the sidelines of the ADMM-Plus meeting": that names where, not
    # what. The minister's speech to ADMM-Plus the next day shares him, the city and the meeting's
    # name with it and is another development; the Hindi report of the signing is the same one.
    start = datetime(2025, 10, 31, 8, tzinfo=UTC)
    signing, speech, hindi = _crawled_apart(
        tmp_path, start, (*FRAMEWORK_AT_ADMM, 0), (*HINDI_ADMM_SPEECH, 20), (*HINDI_FRAMEWORK, 2)
    )
    assert speech != signing and hindi == signing


ENGLISH_SALE = (
    "US clears $3.99 billion sale of 31 drones to India",
    "The State Department approved the possible sale of 31 SkyGuardian drones to India for $3.99 billion, the"
    " Defense Security Cooperation Agency told Congress on Thursday.",
)
HINDI_SALE_DEVANAGARI_DIGITS = (
    "अमेरिका ने भारत को ३१ स्काईगार्डियन ड्रोन बेचने को मंजूरी दी",
    "अमेरिकी विदेश विभाग ने भारत को ३१ स्काईगार्डियन ड्रोन की बिक्री को मंजूरी दे दी है। यह सौदा ३.९९ अरब डॉलर का है।",
)


def test_a_hindi_report_writing_its_figures_in_devanagari_digits_joins_the_english_story(tmp_path):
    # ३१ is 31 and ३.९९ is 3.99: Hindi outlets write figures in either set of digits.
    start = datetime(2024, 2, 2, 3, tzinfo=UTC)
    english, hindi = _crawled_apart(tmp_path, start, (*ENGLISH_SALE, 0), (*HINDI_SALE_DEVANAGARI_DIGITS, 3))
    assert hindi == english


def _page(path: str) -> tuple[str, str]:
    """(headline, paragraphs) of a page of the fixture news web."""
    import html
    import re
    from pathlib import Path

    page = (Path(__file__).parent / "site" / path).read_text(encoding="utf-8")
    paragraphs = re.findall(r"<p>(.*?)</p>", page, re.DOTALL)
    return html.unescape(re.search(r"<h1>(.*?)</h1>", page).group(1)), "\n".join(map(html.unescape, paragraphs))


def test_a_full_report_of_another_meeting_is_told_apart_from_a_story_seed_read_back_from_the_database(tmp_path):
    # What a full report's lead says happened is kept with its stored profile: the Albanese meeting,
    # crawled after the talks' report was stored, is compared with what the talks' lead said.
    start = datetime(2022, 5, 24, 8, tzinfo=UTC)
    talks, albanese, pact = _crawled_apart(
        tmp_path,
        start,
        (*_page("tokyo/modi-biden-talks.html"), 0),
        (*_page("tokyo/modi-albanese.html"), 1),
        (*_page("tokyo/investment-incentive-agreement.html"), 2),
    )
    assert albanese != talks and pact == talks


def test_a_call_on_another_leader_is_told_apart_from_a_story_seed_read_back_from_the_database(tmp_path):
    # Who a full report's first sentence says met whom is kept with its stored profile: the call on
    # Modi, crawled after the report of the talks with Jaishankar was stored, is compared with the
    # people the talks' first sentence named; another outlet's report of the call joins the call.
    start = datetime(2021, 7, 28, 6, tzinfo=UTC)
    talks, call, other = _crawled_apart(
        tmp_path,
        start,
        (*_page("delhi/jaishankar-blinken-talks.html"), 0),
        (*_page("delhi/modi-meets-blinken.html"), 4),
        (*_page("delhi/blinken-calls-on-modi.html"), 6),
    )
    assert call != talks and other == call


def test_an_address_is_told_apart_from_a_signing_story_seed_read_back_from_the_database(tmp_path):
    # What a report's headline and first sentence say happened is kept with its stored profile:
    # the address, crawled after the signing's report was stored, is compared with the signing its
    # lead named, and another outlet's report of the signing, crawled between, joins the signing.
    start = datetime(2024, 10, 10, 1, tzinfo=UTC)
    signing, other, address = _crawled_apart(
        tmp_path,
        start,
        (*_page("canberra/defence-industry-roadmap-signed.html"), 0),
        (*_page("canberra/drones-and-spares-roadmap.html"), 2),
        (*_page("canberra/partners-by-choice.html"), 5),
    )
    assert other == signing and address != signing


def test_talks_are_told_apart_from_a_signing_story_seed_read_back_from_the_database(tmp_path):
    # The minister's talks with his counterpart and the signing that morning stay apart, whichever
    # was stored first and read back by a later crawl, and the signing's other report joins it.
    start = datetime(2024, 11, 14, 1, tzinfo=UTC)
    signed = (*_page("seoul/shipbuilding-arrangement-signed.html"), 0)
    other = (*_page("seoul/fleet-support-ships-deal.html"), 2)
    talks = (*_page("seoul/singh-kim-review-cooperation.html"), 7)
    (tmp_path / "signing-first").mkdir()
    stories = _crawled_apart(tmp_path / "signing-first", start, signed, other, talks)
    assert stories[1] == stories[0] and stories[2] != stories[0]
    (tmp_path / "talks-first").mkdir()
    stories = _crawled_apart(tmp_path / "talks-first", start, talks, signed, other)
    assert stories[1] != stories[0] and stories[2] == stories[1]


ZELENSKYY_MEETING = (
    "Modi meets Zelenskyy in Hiroshima, says India will do everything it can to end the war",
    "Prime Minister Narendra Modi met Ukrainian President Volodymyr Zelenskyy in Hiroshima on Saturday, their first"
    " meeting in person since Russia invaded Ukraine, and said India and he personally would do everything they"
    " could to find a solution to the war. The two leaders met on the sidelines of the G7 summit, to which Japan"
    " had invited India as a guest country.\n\n"
    "Modi told Zelenskyy that he did not see the war as an issue of economics or politics but of humanity and"
    " human values, and that India understood the pain of the people of Ukraine. Zelenskyy briefed him on his"
    " peace formula and asked India to join it, officials said.\n\n"
    "Foreign Secretary Vinay Kwatra said the meeting lasted about thirty minutes and that humanitarian assistance"
    " for Ukraine was discussed. India has sent medicines and relief material to Ukraine since the start of the"
    " war and has called for dialogue and diplomacy.\n\n"
    "Modi also held talks with the Japanese prime minister and met several other leaders at the summit, and he"
    " was to unveil a bust of Mahatma Gandhi in the city on Saturday before a meeting of the Quad leaders. From"
    " Japan he travels on to Papua New Guinea and then to Australia, where he will hold talks in Sydney.",
)
ZELENSKY_MEETING = (
    "Zelensky and Modi meet for the first time since the invasion, at the G7 in Hiroshima",
    "President Zelensky met Prime Minister Modi of India in Hiroshima on Saturday, in the first meeting in person"
    " between the two men since Russian troops crossed into Ukraine, as Kyiv sought the support of countries that"
    " have stayed neutral in the war.\n\n"
    "Modi said the war was a very big issue for the whole world and that he saw it as an issue of humanity, and"
    " promised that India would do what it could to help end it, according to a video of the meeting released by"
    " his office. Zelensky said on social media that he had briefed Modi on his peace formula and invited India to"
    " join it.\n\n"
    "India has not condemned the invasion and has kept buying Russian oil, but it has sent humanitarian aid to"
    " Ukraine and repeatedly called for an end to the fighting through dialogue and diplomacy. Officials said the"
    " meeting on the sidelines of the G7 summit lasted about half an hour.\n\n"
    "Zelensky arrived in Hiroshima on a French government plane on Saturday and was also to meet the leaders of"
    " the G7 countries, including the American president, during his visit to the summit. It was his first"
    " journey to Asia since the war began, and his second trip abroad in a week after a tour of Europe.",
)


def test_reports_of_one_meeting_that_spell_a_name_differently_in_their_first_sentences_join(tmp_path):
    # "President Zelensky" and "President Volodymyr Zelenskyy" are one man: the first sentences
    # name the same two people, so the second report joins the first one's story.
    for words in (ZELENSKYY_MEETING, ZELENSKY_MEETING):
        assert len(words[1].split()) >= 200
    start = datetime(2023, 5, 20, 6, tzinfo=UTC)
    first, second = _crawled_apart(tmp_path, start, (*ZELENSKYY_MEETING, 0), (*ZELENSKY_MEETING, 2))
    assert second == first


QUAD_SUMMIT = (
    "Quad leaders meet in Wilmington, launch cancer moonshot and maritime surveillance initiative",
    "The leaders of India, the United States, Japan and Australia met for the Quad summit in Wilmington,"
    " Delaware, on Saturday and launched a cancer moonshot to fight cervical cancer in the Indo-Pacific and a"
    " maritime surveillance initiative to track dark ships across the region. The Wilmington Declaration they"
    " adopted called the Quad a force for good, and India will host the grouping's summit next year.",
)
QUAD_ADDRESS = (
    "'Quad is here to stay', Modi tells Wilmington summit as leaders launch cancer moonshot",
    "Addressing the Quad summit in Wilmington on Saturday, Prime Minister Narendra Modi said the grouping was"
    " here to stay, to assist, to partner and to complement, and welcomed the cancer moonshot and the maritime"
    " surveillance initiative the four leaders launched. India will host the Quad summit next year, he said,"
    " as the Wilmington Declaration was adopted.",
)


def test_an_address_to_a_summit_and_a_report_of_the_summits_meeting_are_one_story(tmp_path):
    # One lead says the leaders met, the other that one of them addressed them: at a summit these
    # are the same happening, and the address joins the summit's story.
    start = datetime(2024, 9, 21, 18, tzinfo=UTC)
    summit, address = _crawled_apart(tmp_path, start, (*QUAD_SUMMIT, 0), (*QUAD_ADDRESS, 1))
    assert address == summit


ENGINE_SIGNED = (
    "GE Aerospace signs pact with HAL to build F414 fighter jet engines in India",
    "GE Aerospace signed a memorandum of understanding with Hindustan Aeronautics Limited in Washington on"
    " Thursday to build F414 engines for the Tejas Mk2 light combat aircraft in India, in what the company called"
    " a milestone for the two countries' defence ties. The deal still needs the approval of the US Congress.",
)
ENGINE_AS_THEY_MEET = (
    "As Biden and Modi meet, GE clinches deal to make F414 fighter jet engines with HAL",
    "GE Aerospace clinched a deal on Thursday to make F414 engines with Hindustan Aeronautics Limited for the"
    " Tejas Mk2 light combat aircraft, as President Joe Biden and Prime Minister Narendra Modi held talks at the"
    " White House. The memorandum of understanding with HAL still needs the approval of the US Congress.",
)


def test_a_deal_reported_as_clinched_while_the_leaders_met_joins_the_signing_story(tmp_path):
    # "As Biden and Modi meet" says when the deal was clinched, not that this report is of their
    # talks: it joins the signing's story, not a story of talks of its own.
    start = datetime(2023, 6, 22, 14, tzinfo=UTC)
    signed, clinched = _crawled_apart(tmp_path, start, (*ENGINE_SIGNED, 0), (*ENGINE_AS_THEY_MEET, 1))
    assert clinched == signed


TOKYO_TALKS = (
    "Modi, Kishida hold talks in Tokyo; review defence and high-speed rail cooperation",
    "Prime Minister Narendra Modi held talks with Japanese Prime Minister Fumio Kishida in Tokyo on Monday,"
    " reviewing defence cooperation, the Mumbai-Ahmedabad high-speed rail project and the target of five trillion"
    " yen of Japanese investment in India.",
)
TOKYO_PACTS = (
    "India, Japan sign six agreements after Modi-Kishida talks in Tokyo",
    "India and Japan signed six agreements in Tokyo on Monday, on semiconductors, clean energy and the"
    " Mumbai-Ahmedabad high-speed rail project, after talks between Prime Minister Narendra Modi and Fumio"
    " Kishida, and reaffirmed the target of five trillion yen of Japanese investment in India.",
)


def test_agreements_signed_at_the_end_of_talks_join_the_talks_story(tmp_path):
    # A lead that says talks were held and agreements signed at them may be the talks' report or
    # the signing's: it joins the talks' story. A lead of talks alone and one of a signing alone
    # are two developments (the shipbuilding arrangement and the minister's talks in Seoul).
    start = datetime(2023, 3, 20, 6, tzinfo=UTC)
    talks, pacts = _crawled_apart(tmp_path, start, (*TOKYO_TALKS, 0), (*TOKYO_PACTS, 2))
    assert pacts == talks


CEO_FORUM = (
    "Goyal, Raimondo co-chair India-US CEO Forum in New Delhi",
    "Commerce Minister Piyush Goyal and US Commerce Secretary Gina Raimondo on Thursday co-chaired the India-US"
    " CEO Forum in New Delhi, where chief executives pressed for semiconductor supply chains and faster visas.",
)
COMMERCIAL_DIALOGUE = (
    "Goyal, Raimondo hold India-US Commercial Dialogue in New Delhi",
    "Piyush Goyal and Gina Raimondo on Friday held the India-US Commercial Dialogue in New Delhi, a session on"
    " semiconductor supply chains, export controls and faster visas.",
)
SATELLITE_DUE = (
    "NASA-ISRO NISAR radar satellite to lift off from Sriharikota on Wednesday",
    "ISRO chairman V Narayanan said on Monday that the NASA-ISRO NISAR radar satellite will lift off on the"
    " GSLV-F16 from Sriharikota on Wednesday, the first joint earth observation mission of the two agencies.",
)
SATELLITE_UP = (
    "GSLV-F16 launches NASA-ISRO NISAR radar satellite from Sriharikota",
    "The GSLV-F16 on Wednesday launched the NASA-ISRO NISAR radar satellite from Sriharikota, the first joint"
    " earth observation mission of the two agencies.",
)
SATELLITE_HAILED = (
    "NASA hails NISAR radar satellite launch with ISRO from Sriharikota",
    "NASA on Thursday hailed the launch of the NASA-ISRO NISAR radar satellite on the GSLV-F16 from"
    " Sriharikota, the first joint earth observation mission of the two agencies.",
)


def test_a_dialogue_the_day_after_a_forum_of_the_same_ministers_is_another_story_whichever_is_stored_first(tmp_path):
    # The same two ministers, city and subjects: the leads say Thursday and Friday.
    start = datetime(2023, 3, 9, 8, tzinfo=UTC)
    forum, dialogue = _crawled_apart(tmp_path / "forum-first", start, (*CEO_FORUM, 0), (*COMMERCIAL_DIALOGUE, 26))
    assert dialogue != forum
    dialogue, forum = _crawled_apart(tmp_path / "dialogue-first", start, (*COMMERCIAL_DIALOGUE, 26), (*CEO_FORUM, 28))
    assert forum != dialogue


def test_a_launch_announced_monday_and_hailed_thursday_is_one_story_with_the_launch(tmp_path):
    # The day a lead says something was said, the day it says something will happen and the day
    # of a reaction are not the day of the happening: all three reports are of the launch.
    start = datetime(2025, 7, 28, 6, tzinfo=UTC)
    due, up, hailed = _crawled_apart(tmp_path, start, (*SATELLITE_DUE, 0), (*SATELLITE_UP, 50), (*SATELLITE_HAILED, 70))
    assert up == due and hailed == due


QUAKE_FRIDAY = (
    "Magnitude 7.7 earthquake strikes central Myanmar, hundreds feared dead",
    "A magnitude 7.7 earthquake struck central Myanmar near Mandalay on Friday, collapsing buildings and a bridge,"
    " and shaking Bangkok, where a high-rise under construction fell.",
)
QUAKE_RESCUE_SATURDAY = (
    "Rescuers dig through rubble in Mandalay after 7.7 earthquake",
    "Rescuers in Mandalay on Saturday dug through the rubble of buildings felled by the magnitude 7.7 earthquake in"
    " central Myanmar, as the junta appealed for international aid.",
)


def test_the_next_days_report_of_an_earthquake_joins_its_story(tmp_path):
    # Friday's quake and Saturday's rescue: the leads name different days but no kind of
    # happening (talks, an award, an address, a signing, a visit); one event told day by day.
    start = datetime(2025, 3, 28, 8, tzinfo=UTC)
    quake, rescue = _crawled_apart(tmp_path, start, (*QUAKE_FRIDAY, 0), (*QUAKE_RESCUE_SATURDAY, 24))
    assert rescue == quake


PLANT_OUTPUT = (
    "Lumen starts chip packaging output at Odisha plant",
    "Lumen Semiconductor began commercial output at its chip packaging plant in Bhubaneswar, Odisha, on Friday,"
    " a milestone officials in New Delhi and Washington hailed as a result of India-US cooperation on chips.",
)
CHIP_PACT = (
    "India, US sign chip design pact for Odisha and Assam",
    "India and the United States on Saturday signed a chip pact that funds a design centre in Bhubaneswar,"
    " Odisha, and a chip packaging line in Assam, officials said in New Delhi and Washington.",
)


def test_a_lead_that_says_its_milestone_was_hailed_as_one_still_names_its_day(tmp_path):
    # "A milestone officials hailed as ..." describes Friday's output; it is no reaction to an
    # earlier happening. Saturday's signing is another development.
    start = datetime(2026, 12, 4, 6, tzinfo=UTC)
    output, pact = _crawled_apart(tmp_path, start, (*PLANT_OUTPUT, 0), (*CHIP_PACT, 20))
    assert pact != output


WHITE_HOUSE_TALKS = (
    "Modi, Biden hold talks at White House on jet engines and chips",
    "Prime Minister Narendra Modi and President Joe Biden on Thursday held talks at the White House on defence,"
    " jet engines and semiconductors.",
)
FACT_SHEET_ON_THE_TALKS = (
    "White House releases fact sheet on Modi-Biden talks",
    "The White House on Saturday released a fact sheet on Thursday's talks between President Joe Biden and Prime"
    " Minister Narendra Modi, listing the jet engines and semiconductors agreed.",
)


def test_a_fact_sheet_released_two_days_after_the_talks_it_recounts_joins_their_story(tmp_path):
    # "On Saturday released a fact sheet on Thursday's talks": a lead that names another day's
    # happening follows it up, whatever day it was released.
    start = datetime(2023, 6, 22, 16, tzinfo=UTC)
    talks, sheet = _crawled_apart(tmp_path, start, (*WHITE_HOUSE_TALKS, 0), (*FACT_SHEET_ON_THE_TALKS, 44))
    assert sheet == talks


# Two outlets' headlines of one investment, opening on the same words and going on differently.
CHIP_PLANT = (
    "Lumen Semiconductor to invest $640 million in Odisha to set up a new chip packaging and test facility",
    "Lumen Semiconductor will invest $640 million in a chip packaging and test facility at Bhubaneswar in "
    "Odisha, the company said. The state government will provide land and power, and the plant is expected "
    "to employ 3,000 people by 2028.",
)
CHIP_PLANT_WIRE = (
    "Lumen Semiconductor to invest up to $640 million in India chip packaging and assembly plant",
    "US memory chip maker Lumen Semiconductor said it would invest up to $640 million in a chip packaging "
    "and assembly plant in India, its first factory in the country, with production to start in 2027.",
)


def test_two_outlets_headlining_one_investment_on_the_same_opening_words_report_one_event(tmp_path):
    # One outlet's two headlines opening alike and going on differently would be two slots of its
    # template (two releases); two outlets' headlines of one event often open alike.
    sessions = _sessions(tmp_path)
    recent = RecentStories()
    when = datetime(2026, 6, 2, 9, tzinfo=UTC)
    first = _store(sessions, recent, 1, *CHIP_PLANT, when, outlet="Business Line")
    second = _store(sessions, recent, 2, *CHIP_PLANT_WIRE, when + timedelta(hours=2), outlet="Wire Asia")
    assert second == first


CRIME_RELEASE = (
    "Governor Alvarez Delivers Largest Drop in Violent Crime in State History",
    "Governor Maria Alvarez today announced that violent crime across the State of Westland fell by 19 percent "
    "last year, the largest drop since records began. Governor Alvarez thanked the state's police officers.",
)
DRUG_PRICE_RELEASE = (
    "Governor Alvarez Delivers Largest Prescription Drug Price Drop in Two Decades",
    "Governor Maria Alvarez today announced that prescription drug prices paid by the State of Westland's "
    "health plan fell by 11 percent, the largest drop in two decades. Governor Alvarez thanked the state's "
    "pharmacists.",
)


def test_a_release_crawled_later_on_its_office_s_template_is_told_from_the_stored_one(tmp_path):
    # The stored release is read back from the database by a later crawl: which office published
    # it is kept with it.
    start = datetime(2026, 8, 18, 15, tzinfo=UTC)
    crime, drugs = _crawled_apart(
        tmp_path, start, (*CRIME_RELEASE, 0), (*DRUG_PRICE_RELEASE, 24), outlet="Office of Governor Alvarez"
    )
    assert drugs != crime


# An office's proclamation and the fact sheet it posts beside it, headlines only (as the White
# House's feed lists them): they share one word, "components".
DRONE_PROCLAMATION = ("Adjusting Imports of Unmanned Aircraft Systems and Their Components into Westland", "")
DRONE_FACT_SHEET = (
    "Fact Sheet: President Elena Ruiz Bolsters National Security by Imposing Tariffs on Drones and Their Components",
    "",
)
OFFICE = "Office of the President of Westland"


def test_a_fact_sheet_joins_the_proclamation_posted_beside_it_whichever_is_crawled_first(tmp_path):
    start = datetime(2026, 8, 13, 21, tzinfo=UTC)
    for name, reports in (
        ("proclamation-first", [(*DRONE_PROCLAMATION, 0), (*DRONE_FACT_SHEET, 0.01)]),
        ("fact-sheet-first", [(*DRONE_FACT_SHEET, 0.01), (*DRONE_PROCLAMATION, 0)]),
    ):
        (tmp_path / name).mkdir()
        first, second = _crawled_apart(tmp_path / name, start, *reports, outlet=OFFICE)
        assert second == first, name


def test_a_fact_sheet_posted_hours_after_an_action_of_its_office_is_its_own_story(tmp_path):
    # A fact sheet comes out with its action, within minutes; hours later it is about another one.
    start = datetime(2026, 8, 13, 21, tzinfo=UTC)
    first, second = _crawled_apart(tmp_path, start, (*DRONE_PROCLAMATION, 0), (*DRONE_FACT_SHEET, 3), outlet=OFFICE)
    assert second != first


def test_a_fact_sheet_of_another_office_does_not_join_a_proclamation_posted_beside_it(tmp_path):
    start = datetime(2026, 8, 13, 21, tzinfo=UTC)
    sessions = _sessions(tmp_path)
    proclamation = _store(sessions, RecentStories(), 1, *DRONE_PROCLAMATION, start, outlet=OFFICE)
    other = _store(sessions, RecentStories(), 2, *DRONE_FACT_SHEET, start, outlet="Office of the Governor of Eastland")
    assert other != proclamation


def test_a_fact_sheet_sharing_only_the_office_s_country_with_an_action_beside_it_is_its_own_story(tmp_path):
    # Every release of the office names its country. A fact sheet of a mining deal posted a minute
    # after a steel proclamation shares "Westland" with it, in both headlines, and nothing else.
    start = datetime(2026, 8, 13, 21, tzinfo=UTC)
    message, steel, mining = _crawled_apart(
        tmp_path,
        start,
        ("Presidential Message on Westland Farmers Week", "", 0),
        ("Adjusting Imports of Steel into Westland", "", 0.5),
        ("Fact Sheet: President Elena Ruiz Secures Billions in Investments for Westland Mining", "", 0.52),
        outlet=OFFICE,
    )
    assert len({message, steel, mining}) == 3


def test_two_releases_of_an_office_sharing_only_what_most_of_its_headlines_say_are_two_events(tmp_path):
    # The office names its president in nearly every headline. The crime figures and the trade
    # agenda share "President Ruiz" and the country, which in two outlets' reports would be a lot;
    # from this office it is what it always says.
    start = datetime(2026, 8, 17, 9, tzinfo=UTC)
    stories = _crawled_apart(
        tmp_path,
        start,
        ("President Ruiz Signs Order Expanding Rural Broadband", "", 0),
        ("President Ruiz Welcomes Lawmakers to Mark Harbour Day", "", 3),
        ("President Ruiz's Cabinet Champions Westland First Successes Nationwide", "", 6),
        ("First Lady Ana Ruiz Opens Children's Reading Rooms", "", 9),
        ("President Ruiz Delivers the Largest Drop in Violent Crime in Westland History", "", 12),
        ("President Ruiz's Trade Agenda Is Rebuilding the Westland Auto Industry", "", 15),
        outlet=OFFICE,
    )
    assert len(set(stories)) == 6


def test_a_release_naming_the_united_states_and_a_report_writing_u_s_are_one_call(tmp_path):
    # The office's headline names the United States and the wire's the White House: two names the
    # other's headline lacks, which tell two meetings apart. But "U.S." is the United States.
    office = (
        "Telephone conversation between Prime Minister and President of the United States of America",
        "Prime Minister Shri Narendra Modi spoke today with President of the United States of America, "
        "H.E. Mr. Joseph R. Biden. President Biden conveyed solidarity with India during the second wave "
        "of COVID-19 and offered oxygen concentrators, vaccine raw material and therapeutics. Prime "
        "Minister thanked him and sought the free flow of vaccine raw material.",
    )
    wire = (
        "White House says Biden offered Modi oxygen and vaccine material in phone call",
        "President Joe Biden told Indian Prime Minister Narendra Modi in a phone call on Monday that the "
        "U.S. would send oxygen concentrators, vaccine raw material and therapeutics as India battles a "
        "second wave of COVID-19, the White House said.",
    )
    start = datetime(2021, 4, 26, 14, tzinfo=UTC)
    for first, second in ((office, wire), (wire, office)):
        stories = _crawled_apart(tmp_path / first[0][:5], start, (*first, 0), (*second, 3))
        assert stories[0] == stories[1]


ENGLISH_DIALOGUE = (
    "Doval and Sullivan review iCET defence and space projects at Hyderabad House talks",
    "National Security Adviser Ajit Doval and US National Security Advisor Jake Sullivan reviewed the defence"
    " and space projects of iCET at Hyderabad House in New Delhi on Monday, officials said.",
)
HINDI_DIALOGUE = (
    "डोभाल और सुलिवन ने हैदराबाद हाउस में आईसीईटी परियोजनाओं की समीक्षा की",
    "राष्ट्रीय सुरक्षा सलाहकार अजीत डोभाल और अमेरिकी एनएसए जेक सुलिवन ने सोमवार को नई दिल्ली के हैदराबाद हाउस में"
    " आईसीईटी की रक्षा और अंतरिक्ष परियोजनाओं की समीक्षा की।",
)


def test_a_hindi_report_writing_doval_with_bh_joins_the_english_story(tmp_path):
    # Hindi writes Doval डोभाल: the English v is a Hindi bh, and their skeletons (dvl, dbl) differ.
    start = datetime(2024, 6, 17, 10, tzinfo=UTC)
    english, hindi = _crawled_apart(tmp_path, start, (*ENGLISH_DIALOGUE, 0), (*HINDI_DIALOGUE, 4))
    assert hindi == english
