"""Reading and writing articles, matches and source state.

The database decides what is new: `save_article` inserts on the unique canonical URL and says
whether the row is new; only new rows go on to alerts. Near-duplicate lookups go through the LSH
band table (one indexed query), so they stay fast as the archive grows.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import case, delete, func, insert, or_, select, update
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from newswatch.db import owners
from newswatch.db.models import (
    Alert,
    Article,
    Crawl,
    LinkAlias,
    LshBand,
    PendingPage,
    Source,
    TermCount,
    TopicMatch,
)
from newswatch.domain import items
from newswatch.domain.redact import mask_url

if TYPE_CHECKING:
    from newswatch.domain.fingerprint import EventProfile, TermWeights

# A report joins a story only when it was published within this of the story's first report,
# before or after it (bench/bench_stories.py: 2 to 5 days change little; 3 days leave an event's
# follow-ups of the next days in its story).
STORY_WINDOW = timedelta(days=3)
STORY_CANDIDATES = 400
# A fact sheet and the action it summarises (an order, a proclamation, a policy) are posted by one
# office together: the White House's within seconds to minutes of each other.
COMPANION_WINDOW = timedelta(hours=1)
# Terms in more of an outlet's story seeds than this are its house vocabulary for its own reports
# (`_best_seed`; bench/README.md, tenth pass: 1 and 2 split one outlet's reports of one event).
HOUSE_COMMON = 3
COMPANION_MIN_SHARED = 2.0  # what a fact sheet shares with its action: a word of both headlines, or two
TEMPLATE_RIVALS = 200  # the latest reports of a story a new one is checked against for template slots
TERM_LENGTH = 100  # longer event terms (a run of digits, a URL) are not counted
MAX_BACKOFF = 86400.0
PAGE_ATTEMPTS = 8  # a page failing for passing reasons is tried this often, then given up
PAGE_MAX_DELAY = 6 * 3600.0


@dataclass
class Saved:
    """The outcome of `save_article`: the row, whether it was stored just now, and the stored
    reports it moved out of its story into stories of their own: `detached` ones have their alerts
    still to plan; `moved` ones had alerted for the story, and took those alerts along (the story
    they left has not alerted for its own event yet)."""

    row: Article
    new: bool
    detached: list[Article] = field(default_factory=list)
    moved: list[Article] = field(default_factory=list)


def sync_sources(session: Session, specs: Sequence[items.SourceSpec]) -> None:
    """Make sure every configured source has a row, with its current type and URL. The row keeps
    the URL with its credentials and tokens masked: the crawler takes the URL from the
    configuration, and what the database holds is shown to users."""
    existing = {row.name: row for row in session.scalars(select(Source))}
    for spec in specs:
        row = existing.get(spec.name)
        url = mask_url(spec.url)
        if row is None:
            try:
                with session.begin_nested():  # another writer (a crawl, a page view) may add it first
                    session.add(
                        Source(
                            name=spec.name,
                            type=spec.type,
                            url=url,
                            status="new",
                            consecutive_errors=0,
                            last_items=0,
                            last_new=0,
                        )
                    )
            except IntegrityError:
                pass  # it did: the row is there
        elif (row.type, row.url) != (spec.type, url):
            row.type, row.url = spec.type, url
            row.etag = row.last_modified = None


# PostgreSQL advisory lock key every writer of articles holds for its whole transaction.
ARTICLE_WRITE_LOCK = 0x6E65_7773_7772_6974  # "newswrit"


STALE_CRAWL = timedelta(days=1)  # a crawl of another host registered this long ago has died


def running_crawls(session: Session, now: datetime) -> list[Crawl]:
    """The crawls of this database under way now (by other processes), oldest first; those whose
    process died are dropped (the caller commits)."""
    running = []
    for row in session.scalars(select(Crawl).order_by(Crawl.started_at)):
        if owners.is_dead(row.owner) or row.started_at < now - STALE_CRAWL:
            session.delete(row)
        elif row.owner != owners.me():
            running.append(row)
    return running


def start_crawl(session: Session, sources: Sequence[str], now: datetime) -> int:
    """Register this process's crawl of `sources`; returns its id for `end_crawl`."""
    row = Crawl(owner=owners.me(), sources=",".join(sources), started_at=now)
    session.add(row)
    session.flush()
    return row.id


def end_crawl(session: Session, crawl_id: int) -> None:
    session.execute(delete(Crawl).where(Crawl.id == crawl_id))


def begin_write(session: Session) -> None:
    """Take the database's write lock for articles now, at the start of a transaction that reads
    before it writes, and hold it to the commit: whether an article is new, which stored one it is
    a copy of and which story it joins are decided on what is committed, so two writers (crawl
    processes, workers on other machines) storing copies of one wire story at the same moment
    make one original and one copy, never two originals. SQLite: BEGIN IMMEDIATE (WAL would
    otherwise start the transaction as a reader and, if another process commits in between, fail
    its first write at once with "database is locked" instead of waiting its turn). PostgreSQL: a
    transaction-level advisory lock; it also keeps new rows committed in id order, which
    `RecentStories` relies on to read only the seeds above the highest id it has read."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]  # an open connection has its DBAPI connection
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        transaction = session.get_transaction()
        if session.info.get("article_write_lock") is not transaction:
            connection.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": ARTICLE_WRITE_LOCK})
            session.info["article_write_lock"] = transaction


def known_urls(session: Session, canonical_urls: Iterable[str]) -> set[str]:
    """Which of `canonical_urls` are stored already, as an article's URL or as a link that led to
    one (`remember_link`)."""
    wanted = list(dict.fromkeys(canonical_urls))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(Article.canonical_url).where(Article.canonical_url.in_(chunk))))
        found.update(session.scalars(select(LinkAlias.url).where(LinkAlias.url.in_(chunk))))
    return found


def remember_link(session: Session, link: str, row: Article, now: datetime) -> None:
    """Note that the listing link `link` (canonicalised) led to the stored article `row` under
    another URL: a redirect, or a page naming another canonical URL. `known_urls` then knows the
    link, and the listing that names it every cycle does not fetch it again."""
    if not link or link == row.canonical_url or session.get(LinkAlias, link) is not None:
        return
    try:
        with session.begin_nested():
            session.add(LinkAlias(url=link, article_id=row.id, created_at=now))
    except IntegrityError:  # another writer noted it first
        pass


def _find_original(
    session: Session, content_hash: str | None, fp, band_keys: Sequence[int]
) -> tuple[Article, float] | None:
    """The earliest stored article `fp` is a copy of (exact text first, then LSH candidates)."""
    from newswatch.domain.fingerprint import DUPLICATE_THRESHOLD, Fingerprint, similarity

    if content_hash:
        exact = session.execute(
            select(Article.id).where(Article.content_hash == content_hash).order_by(Article.id).limit(1)
        ).scalar()
        if exact is not None:
            return _root(session, session.get(Article, exact)), 1.0  # type: ignore[arg-type]  # the id was just read
    if not band_keys or fp is None or fp.signature is None:
        return None
    candidate_ids = list(
        session.scalars(select(LshBand.article_id).where(LshBand.key.in_(list(band_keys))).distinct().limit(200))
    )
    if not candidate_ids:
        return None
    # Only the signatures are compared; the one row that wins is loaded whole.
    best: tuple[int, float] | None = None
    candidates = select(Article.id, Article.signature).where(Article.id.in_(candidate_ids)).order_by(Article.id)
    for row_id, signature in session.execute(candidates):
        if signature is None:
            continue
        score = similarity(fp, Fingerprint.from_bytes(signature))
        if score >= DUPLICATE_THRESHOLD and (best is None or score > best[1]):
            best = (row_id, score)
    return (_root(session, session.get(Article, best[0])), best[1]) if best else None  # type: ignore[arg-type]  # the id was just read


def _root(session: Session, row: Article) -> Article:
    """A copy's original, so copies of copies all point at the first report."""
    if row.duplicate_of is not None:
        original = session.get(Article, row.duplicate_of)
        if original is not None:
            return original
    return row


def stored_reports(session: Session) -> int:
    """How many original reports the database holds (term_counts' row of the empty term)."""
    return session.scalar(select(TermCount.reports).where(TermCount.term == "")) or 0


class TermCounts:
    """How many stored original reports carry each event term (table term_counts), read for the
    terms a writer needs and kept for its crawl cycle, and counted up as it stores reports.

    Counts are written in one statement per transaction: call `flush` before committing (a writer
    that does not, like one report stored on its own, counts at once with `save_article`'s
    default). The weights handed out (`weights`) count every report stored so far, this
    transaction's included, and the reports of its batch still to come (`foresee`): each report
    of a new database's first crawl is weighed by everything that crawl brought, not by the empty
    store it began with or by the few reports stored before it."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.documents: int | None = None
        self._weights: TermWeights | None = None
        self._pending: Counter = Counter()
        # What each `count` of this transaction added, so that an article whose savepoint rolls
        # back is uncounted (`undo`).
        self._journal: list[frozenset[str]] = []
        # The reports of this transaction's batch not stored yet (`foresee`), counted ahead.
        self._foreseen: Counter = Counter()
        self._foreseen_terms: Counter = Counter()

    def need(self, session: Session, terms: Iterable[str]) -> None:
        """Read the counts of `terms` not at hand (one query per 500), with what this transaction
        has counted and not yet written."""
        if self.documents is None:
            self.documents = stored_reports(session) + self._pending[""] + self._foreseen_terms[""]
            self._weights = None
        missing = [t for t in dict.fromkeys(terms) if t not in self.counts and 0 < len(t) <= TERM_LENGTH]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            self.counts.update((term, self._pending[term] + self._foreseen_terms[term]) for term in chunk)
            self.counts.update(
                (term, reports + self._pending[term] + self._foreseen_terms[term])
                for term, reports in session.execute(
                    select(TermCount.term, TermCount.reports).where(TermCount.term.in_(chunk))
                )
            )

    def weights(self, session: Session, terms: Iterable[str]):
        """domain.fingerprint.TermWeights over the counts, `terms` among them."""
        from newswatch.domain.fingerprint import TermWeights

        self.need(session, terms)
        if self._weights is None:
            self._weights = TermWeights(self.documents or 0, self.counts)
        return self._weights

    @property
    def unwritten(self) -> bool:
        """Whether this transaction counted or foresaw reports it has not written (`flush`)."""
        return bool(self._pending or self._foreseen)

    def new_transaction(self) -> None:
        self._weights = None

    def forget(self) -> None:
        """Counts added in a transaction that may have rolled back: read them again when needed."""
        self.counts, self.documents, self._weights = {}, None, None
        self._pending.clear()
        self._journal.clear()
        self._foreseen.clear()
        self._foreseen_terms.clear()

    def foresee(self, batch: Iterable[Iterable[str]]) -> None:
        """The terms of the reports this transaction is about to store: count them now, so that
        each report of a batch (a first crawl's, say) is weighed by the whole batch, not by the
        reports the batch happened to store before it. Each report is uncounted again when it
        `arrive`s, and counted for good if it is stored as an original."""
        for terms in batch:
            terms = frozenset(t for t in terms if 0 < len(t) <= TERM_LENGTH)
            self._foreseen[terms] += 1
            self._add_ahead(terms, 1)

    def arrive(self, terms: Iterable[str]) -> None:
        """A foreseen report is about to be stored: it no longer counts ahead."""
        terms = frozenset(t for t in terms if 0 < len(t) <= TERM_LENGTH)
        if self._foreseen[terms] > 0:
            self._foreseen[terms] -= 1
            self._add_ahead(terms, -1)

    def _add_ahead(self, terms: frozenset[str], step: int) -> None:
        self._foreseen_terms.update(dict.fromkeys(terms, step))
        self._foreseen_terms[""] += step
        for term in terms.intersection(self.counts):
            self.counts[term] += step
        if self.documents is not None:
            self.documents += step
        self._weights = None

    def _settle(self) -> None:
        """Uncount the foreseen reports that never arrived."""
        for terms, times in list(self._foreseen.items()):
            self._add_ahead(terms, -times)
        self._foreseen.clear()
        self._foreseen_terms = +self._foreseen_terms

    def count(self, terms: Iterable[str]) -> None:
        """One more stored report carries `terms`: count it here, and in the table at `flush`."""
        terms = frozenset(t for t in terms if 0 < len(t) <= TERM_LENGTH)
        self._pending.update(terms)
        self._pending[""] += 1
        for term in terms.intersection(self.counts):
            self.counts[term] += 1
        if self.documents is not None:
            self.documents += 1
        self._journal.append(terms)
        self._weights = None

    def mark(self) -> int:
        """A point to `undo` to: before storing one report in a savepoint."""
        return len(self._journal)

    def undo(self, mark: int) -> None:
        """Uncount the reports counted since `mark` (their savepoint rolled back); what the
        transaction counted before stays, to be written at `flush`."""
        while len(self._journal) > mark:
            terms = self._journal.pop()
            self._pending.subtract(terms)
            self._pending[""] -= 1
            for term in terms:  # read before or after it was counted, a count at hand includes it
                if term in self.counts:
                    self.counts[term] -= 1
            if self.documents is not None:
                self.documents -= 1
            self._weights = None
        self._pending = +self._pending  # drop the terms back at zero

    def flush(self, session: Session) -> None:
        """Write the counts of this transaction's reports (in it)."""
        self._settle()
        if self._pending:
            _count_terms(session, self._pending)
            self._pending.clear()
        self._journal.clear()


def _count_terms(session: Session, counts: dict[str, int]) -> None:
    """Add `counts` (term -> reports) to the table: one upsert per term, in one executemany, in
    a fixed order (the empty term, the number of reports, first) so that concurrent writers on
    PostgreSQL lock the rows they share in the same order."""
    rows = [{"term": term, "reports": counts[term]} for term in sorted(counts)]
    statement = _upsert_counts(session.get_bind().dialect.name)
    if statement is not None:
        session.execute(statement, rows)
        return
    table = TermCount.__table__
    known = set(session.scalars(select(table.c.term).where(table.c.term.in_(list(counts)))))
    for row in rows:
        if row["term"] in known:
            session.execute(
                update(table).where(table.c.term == row["term"]).values(reports=table.c.reports + row["reports"])
            )
    fresh = [row for row in rows if row["term"] not in known]
    if fresh:
        session.execute(insert(table), fresh)


@lru_cache(maxsize=4)
def _upsert_counts(dialect: str):
    """INSERT ... ON CONFLICT DO UPDATE adding to the count, built once (SQLite, PostgreSQL)."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as upsert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert  # type: ignore[assignment]  # both build an upsert alike
    else:
        return None
    table = TermCount.__table__
    statement = upsert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.term], set_={"reports": table.c.reports + statement.excluded.reports}
    )


class RecentStories:
    """What the story lookup compares a new report with, kept across the articles of a crawl
    cycle: the story seeds (each story's first report) published within the story window of the
    report, before or after it, their event profiles, and the stored reports' term counts.

    Seeds fetched lately are read from the database once, then only the rows added since (`id`
    above the highest read), once per transaction, so a cycle does not re-read hundreds of rows for
    every new article; a report published before them (a backfill, an archive, a feed listing old
    items) has the seeds of its own window read by publication time. Seeds this writer adds are
    known at once; call `committed` after the commit to keep them, else they are dropped and read
    back if they were stored after all. A seed's event profile is read from its row (`event_terms`,
    written when it was stored; rows stored before that column existed are profiled from their
    text) and kept in an inverted index (`domain.fingerprint.EventIndex`). One instance belongs to
    one database (a crawl cycle holds one)."""

    def __init__(self, capacity: int = 4 * STORY_CANDIDATES) -> None:
        from newswatch.domain.fingerprint import EventIndex

        self.capacity = capacity
        self._order: OrderedDict[int, None] = OrderedDict()  # least recently used first
        self.index = EventIndex()
        self.terms = TermCounts()
        # Seeds: id -> (published_at or fetched_at, matched a topic).
        self._seeds: dict[int, tuple[datetime, bool]] = {}
        self._fresh: set[int] = set()  # added by this writer, not read back yet
        self._read_up_to = 0  # the highest seed id read from the database
        self._oldest: datetime | None = None  # seeds fetched before this were not read (but by window)
        self._transaction: object = None  # the transaction that last read seeds (`_refresh`)
        self._began: object = None  # the transaction that last began here (`_begin`)

    def expect(self, session: Session, profiles: Sequence[EventProfile]) -> None:
        """The reports a transaction is about to store: read the stored counts of all their terms
        at once, and count them ahead (`TermCounts.foresee`); `save_article`, given each one's
        profile, takes it out again as it stores it."""
        self._begin(session)
        self.terms.need(session, (t for profile in profiles for t in profile.terms))
        self.terms.foresee(profile.terms for profile in profiles)

    def _begin(self, session: Session) -> None:
        """The first call in a transaction: seeds and counts of an earlier transaction not known
        to be committed are dropped (read back if they were). Within one transaction they stand,
        and the counts of its reports are still to be written at `flush`."""
        transaction = session.get_transaction()
        if transaction is not self._began:
            self.forget_fresh()
            self.terms.new_transaction()
            self._began = transaction

    def add(self, article_id: int, profile: EventProfile) -> None:
        self.index.add(article_id, profile)
        self._order[article_id] = None
        self._order.move_to_end(article_id)
        while len(self._order) > self.capacity:
            evicted, _ = self._order.popitem(last=False)
            self.index.remove(evicted)

    def load(self, session: Session, ids: Sequence[int]) -> None:
        """Make sure the profiles of `ids` are at hand (computed from the stored rows), and the
        counts of their terms."""
        from newswatch.domain import fingerprint

        missing = [i for i in ids if i not in self.index]
        unprofiled = Article.event_terms.is_(None)
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            # The stored profile; the title and text only of rows stored without one.
            unreadable = []
            for row_id, terms, title, text in session.execute(
                select(
                    Article.id, Article.event_terms, case((unprofiled, Article.title)), case((unprofiled, Article.text))
                ).where(Article.id.in_(chunk))
            ):
                if terms is None:
                    self.add(row_id, fingerprint.event_profile(title, text))
                    continue
                try:
                    self.add(row_id, fingerprint.profile_from_json(terms))
                except (KeyError, TypeError):
                    unreadable.append(row_id)
            for row_id, title, text in (
                session.execute(select(Article.id, Article.title, Article.text).where(Article.id.in_(unreadable)))
                if unreadable
                else ()
            ):
                self.add(row_id, fingerprint.event_profile(title, text))
        for i in ids:
            if i in self._order:
                self._order.move_to_end(i)
        self.terms.need(session, (t for i in missing if i in self.index for t in self.index.profiles[i].terms))

    def moment(self, article_id: int) -> datetime | None:
        """When a seed `seeds` returned was published (fetched, when its date is not known)."""
        seed = self._seeds.get(article_id)
        return None if seed is None else seed[0]

    def add_seed(self, article_id: int, moment: datetime, matched: bool) -> None:
        """A story seed this writer has just added (in the open transaction)."""
        self._seeds[article_id] = (moment, matched)
        self._fresh.add(article_id)

    def flush(self, session: Session) -> None:
        """Before committing: write what this transaction counted (TermCounts.flush)."""
        self.terms.flush(session)

    def committed(self) -> None:
        """The transaction that added the latest seeds has committed: they are safe to keep."""
        self._fresh = set()

    def mark(self) -> tuple[frozenset[int], int]:
        """A point to `undo` to: before storing one report in a savepoint of the transaction."""
        return frozenset(self._fresh), self.terms.mark()

    def undo(self, mark: tuple[frozenset[int], int]) -> None:
        """The savepoint opened at `mark` rolled back: drop the seeds added since (SQLite gives a
        rolled-back row's id to the next row) and uncount their terms. The rest of the transaction's
        seeds and counts stay, to be committed with it."""
        before, terms = mark
        for article_id in self._fresh - before:
            self._seeds.pop(article_id, None)
            self.index.remove(article_id)
            self._order.pop(article_id, None)
        self._fresh = set(self._fresh & before)
        self.terms.undo(terms)

    def forget_fresh(self) -> None:
        """Seeds added since the last commit may have been rolled back: drop them, and their
        profiles (SQLite gives a rolled-back row's id to the next row), until read back; and the
        term counts, which may have counted them."""
        for article_id in self._fresh:
            self._seeds.pop(article_id, None)
            self.index.remove(article_id)
            self._order.pop(article_id, None)
        if self._fresh or self.terms.unwritten:
            self.terms.forget()
        self._fresh = set()

    def seeds(self, session: Session, fetched_at: datetime, moment: datetime) -> list[int]:
        """Ids of the story seeds a report fetched at `fetched_at` and published at `moment` is
        compared with, newest first: those published within STORY_WINDOW of `moment`, before or
        after it; at most the STORY_CANDIDATES nearest in time, and the STORY_CANDIDATES nearest
        of those that matched a topic (on a busy day a few hundred cover hours, not the whole
        window, and an alerted story that fell out of them would alert again on its next report)."""
        # Seeds published within the window of a report published lately were fetched since the
        # window before it (a page is fetched after it is published); read those once per
        # transaction. A report published earlier than that reads its own window.
        horizon = fetched_at - 2 * STORY_WINDOW
        self._refresh(session, horizon)
        earliest, latest = moment - STORY_WINDOW, moment + STORY_WINDOW
        if earliest < horizon:
            self._read_window(session, earliest, latest)
        inside = [
            (abs(seed_moment - moment), -i, matched)
            for i, (seed_moment, matched) in self._seeds.items()
            if earliest <= seed_moment <= latest
        ]
        inside.sort()
        chosen = {-i for _, i, _ in inside[:STORY_CANDIDATES]}
        chosen.update([-i for _, i, matched in inside if matched][:STORY_CANDIDATES])
        return sorted(chosen, reverse=True)

    def _seed_query(self, matched):
        return select(Article.id, func.coalesce(Article.published_at, Article.fetched_at), matched).where(
            Article.duplicate_of.is_(None), or_(Article.story_id.is_(None), Article.story_id == Article.id)
        )

    def _read_window(self, session: Session, earliest: datetime, latest: datetime) -> None:
        """The seeds published between `earliest` and `latest`, whenever they were fetched."""
        matched = select(TopicMatch.id).where(TopicMatch.article_id == Article.id).exists()
        moment = func.coalesce(Article.published_at, Article.fetched_at)
        query = self._seed_query(matched).where(moment >= earliest, moment <= latest).order_by(Article.id.desc())
        connection = session.connection()
        for query_ in (query.limit(2 * STORY_CANDIDATES), query.where(matched).limit(2 * STORY_CANDIDATES)):
            for row_id, row_moment, row_matched in connection.execute(query_):
                self._seeds[row_id] = (row_moment, bool(row_matched))

    def _refresh(self, session: Session, earliest: datetime) -> None:
        """Read the seeds other writers (or this one, committed) added since the last read; once
        per transaction, and from scratch when a report needs older seeds than were read."""
        transaction = session.get_transaction()
        same = transaction is self._transaction
        if same and self._oldest is not None and earliest >= self._oldest:
            return
        if self._oldest is None or earliest < self._oldest:
            self._seeds.clear()  # this transaction's own seeds are read back below: it sees its rows
            # An hour more than needed: the pages of one batch were fetched seconds apart, and
            # each a little earlier than the last would read everything again.
            self._read_up_to, self._oldest = 0, earliest - timedelta(hours=1)
        self._begin(session)
        keep = 2 * STORY_CANDIDATES
        matched = select(TopicMatch.id).where(TopicMatch.article_id == Article.id).exists()
        query = (
            self._seed_query(matched)
            .where(Article.fetched_at >= self._oldest, Article.id > self._read_up_to)
            .order_by(Article.id.desc())
            .limit(keep)
        )
        # Hundreds of plain rows: read through the connection, past the ORM's per-row work.
        connection = session.connection()
        for query_ in (query, query.where(matched)):
            for row_id, row_moment, row_matched in connection.execute(query_):
                self._seeds[row_id] = (row_moment, bool(row_matched))
                self._read_up_to = max(self._read_up_to, row_id)
        if len(self._seeds) > 2 * keep:  # only the newest can ever be chosen again
            newest = sorted(self._seeds, reverse=True)
            wanted = set(newest[:keep]) | set([i for i in newest if self._seeds[i][1]][:keep])
            self._seeds = {i: self._seeds[i] for i in wanted}
        self._transaction = transaction


def _find_story(
    session: Session, article: items.Article, profile: EventProfile, threshold: float, recent: RecentStories
) -> int | None:
    # Only each story's first report is a candidate: comparing with every member would let a
    # story creep from event to event through reports that each resemble the one before
    # (measured on a soak run: 63 reports of different iCET events in one "story", one alert).
    # A seed's story is itself.
    ids = recent.seeds(session, article.fetched_at, article.published_at or article.fetched_at)
    if not ids:
        return None
    recent.load(session, ids)
    weights = recent.terms.weights(session, profile.terms)
    office = _Office.of(profile, ids, recent)
    best = _best_seed(profile, ids, threshold, recent, weights, office)
    if best is None:
        return _companion(profile, article.published_at or article.fetched_at, office, recent, weights)
    return best[0]


@dataclass
class _Office:
    """The story seeds among a lookup's candidates that the report's own outlet published, by id,
    and how many of them carry each term."""

    seeds: dict[int, EventProfile]
    carried: Counter

    @classmethod
    def of(cls, profile: EventProfile, ids: Sequence[int], recent: RecentStories) -> _Office:
        house = profile.house
        seeds = {i: p for i in ids if house and (p := recent.index.profiles.get(i)) is not None and p.house == house}
        return cls(seeds, Counter(term for seed in seeds.values() for term in seed.terms))


def _best_seed(
    profile: EventProfile,
    ids: Sequence[int],
    threshold: float,
    recent: RecentStories,
    weights: TermWeights,
    office: _Office,
) -> tuple[int, float] | None:
    """The seed among `ids` with the best `event_score` at or above `threshold`, and that score.
    Against seeds of the report's own outlet (`office`), the terms more than HOUSE_COMMON of them
    carry weigh nothing: an office or a paper names its president, its city, its beat in most of
    its headlines ("President Trump Delivers ...", "President Trump's Trade Agenda ..."), and two
    of its reports sharing those words are not one event for it. Another outlet's report sharing
    them still counts them."""
    if not office.seeds:
        return recent.index.best(profile, ids, threshold, weights)  # type: ignore[return-value]
    vocabulary = [term for term, count in office.carried.items() if count > HOUSE_COMMON]
    others = [i for i in ids if i not in office.seeds]
    found = [
        best
        for best in (
            recent.index.best(profile, others, threshold, weights),
            recent.index.best(profile, list(office.seeds), threshold, weights.without(vocabulary)),
        )
        if best is not None
    ]
    # The higher score; of equals, the newer seed, as `EventIndex.best` picks among `ids`.
    return max(found, key=lambda best: (best[1], best[0])) if found else None  # type: ignore[return-value]


def _companion(
    profile: EventProfile, moment: datetime, office: _Office, recent: RecentStories, weights: TermWeights
) -> int | None:
    """The seed of the report's own outlet (`office`) that is the other half of a fact sheet and
    its action (`fingerprint.companion_weight`): published within COMPANION_WINDOW of `moment`,
    sharing the most, at least COMPANION_MIN_SHARED, of what the outlet's other seeds do not
    carry; the nearest in time of equals."""
    from newswatch.domain import fingerprint

    found: tuple[float, timedelta, int] | None = None
    for seed_id, seed in office.seeds.items():
        seed_moment = recent.moment(seed_id)
        if seed_moment is None or abs(seed_moment - moment) > COMPANION_WINDOW:
            continue
        elsewhere = {term for term in seed.terms & profile.terms if office.carried[term] > 1}
        shared = fingerprint.companion_weight(profile, seed, weights, elsewhere)
        if shared >= COMPANION_MIN_SHARED:
            candidate = (-shared, abs(seed_moment - moment), seed_id)
            found = candidate if found is None or candidate < found else found
    return None if found is None else found[2]


def save_article(
    session: Session,
    article: items.Article,
    matches: Sequence[items.Match],
    now: datetime,
    fp=None,
    profile: EventProfile | None = None,
    recent: RecentStories | None = None,
) -> Saved:
    """Store `article` with its matches, its duplicate and story links and its LSH bands.

    Returns the existing row (new=False) when the canonical URL is stored already. The caller
    owns the transaction. `fp` (the text's fingerprint) and `profile` (its `event_profile`) may
    come precomputed (the crawler computes them in its worker processes); `recent` keeps story
    candidates' profiles across calls; with it, call `recent.flush(session)` before committing.
    """
    from newswatch.domain import fingerprint

    # The savepoint below must sit inside a real transaction: SQLite's driver would otherwise
    # start one at the SAVEPOINT and commit it at its RELEASE, whatever the caller does next.
    begin_write(session)
    if recent is not None and profile is not None:
        recent.terms.arrive(profile.terms)
    existing = session.scalars(select(Article).where(Article.canonical_url == article.canonical_url)).first()
    if existing is not None:
        return Saved(existing, False)
    if fp is None and article.text:
        fp = fingerprint.fingerprint(article.text, article.title)
    content_hash = fp.content_hash if fp is not None else None
    signature = fp.to_bytes() if fp is not None else None
    band_keys = fingerprint.band_keys(fp) if fp is not None else []
    original = _find_original(session, content_hash, fp, band_keys)
    lookup = recent if recent is not None else RecentStories()
    rivals: list[tuple[Article, EventProfile]] = []
    row = Article(
        url=article.url,
        canonical_url=article.canonical_url,
        source=article.source,
        title=article.title,
        text=article.text,
        published_at=article.published_at,
        updated_at=article.updated_at,
        fetched_at=article.fetched_at,
        language=article.language,
        authors=list(article.authors),
        image=article.image,
        outlet=article.outlet,
        content_hash=content_hash,
        signature=signature,
        matches=[],  # a new row has none yet: known, not loaded with a query
    )
    if original is not None:
        row.duplicate_of = original[0].id
        row.story_id = original[0].story_id or original[0].id
        row.similarity = round(original[1], 4)
    else:
        profile = profile or fingerprint.event_profile(article.title, article.text, article.outlet)
        row.story_id = _find_story(session, article, profile, fingerprint.STORY_THRESHOLD, lookup)
        if row.story_id is not None:
            row.story_id, rivals = _settle_template_rivals(session, profile, row.story_id, lookup)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another writer stored the same canonical URL between our check and our insert.
        existing = session.scalars(select(Article).where(Article.canonical_url == article.canonical_url)).one()
        return Saved(existing, False)
    moved = [rival for rival, rival_profile in rivals if detach(session, rival, rival_profile, lookup)]
    detached = [rival for rival, _ in rivals if rival not in moved]
    if row.story_id is None:
        row.story_id = row.id
        row.event_terms = fingerprint.profile_to_json(profile)  # type: ignore[arg-type]  # a seed (not a copy, so profiled): later reports compare with it
    if original is None:  # not a copy: its terms count towards how common they are
        if recent is not None:
            recent.terms.count(profile.terms)  # type: ignore[union-attr]  # not a copy: profile was made above
        else:
            _count_terms(session, dict.fromkeys({"", *(t for t in profile.terms if len(t) <= TERM_LENGTH)}, 1))  # type: ignore[union-attr]  # not a copy: profile was made above
    if band_keys:
        # One executemany through Core: the ORM bulk path costs more than the insert itself.
        session.execute(insert(LshBand.__table__), [{"key": key, "article_id": row.id} for key in band_keys])
    for match in matches:
        row.matches.append(
            TopicMatch(
                topic=match.topic,
                score=round(match.score, 4),
                created_at=now,
                hits=[{"term": h.term, "field": h.field, "snippet": h.snippet} for h in match.hits],
            )
        )
    session.flush()
    if recent is not None and row.story_id == row.id:
        recent.add(row.id, profile)  # type: ignore[arg-type]  # a seed is not a copy: profile was made above
        recent.add_seed(row.id, row.published_at or row.fetched_at, bool(matches))
    return Saved(row, True, detached, moved)


def _settle_template_rivals(
    session: Session, profile: EventProfile, story_id: int, recent: RecentStories
) -> tuple[int | None, list[tuple[Article, EventProfile]]]:
    """The story a report joins, and the story's reports it moves out, when its headline fills a
    template that another report of the story fills with a different slot ("Readout of ...'s
    Meeting with Prime Minister Albanese" / "... Kishida"): two slots are two events, whichever
    of them came first. The one whose event score with the story's first report is the higher
    stays; the other leaves: the new report starts its own story (None), or the stored rivals
    start stories of their own (the second value, with their event profiles)."""
    from newswatch.domain import fingerprint

    if len(profile.title) < fingerprint.TEMPLATE_RUN:
        return story_id, []
    weights = recent.terms.weights(session, profile.terms)
    members = session.execute(
        select(Article.id, Article.title, Article.outlet)
        .where(Article.story_id == story_id, Article.id != story_id, Article.duplicate_of.is_(None))
        .order_by(Article.id.desc())
        .limit(TEMPLATE_RIVALS)
    ).all()
    rival_ids = [
        member_id
        for member_id, title, outlet in members
        if fingerprint.template_conflict(
            profile,
            fingerprint.EventProfile(
                frozenset(),
                frozenset(),
                fingerprint.title_sequence(title or ""),
                house=fingerprint.outlet_house(outlet),
            ),
            weights,
        )
    ]
    if not rival_ids:
        return story_id, []
    seed = recent.index.profiles.get(story_id)
    if seed is None:  # cannot tell which slot belongs: the new report stands alone
        return None, []
    mine = fingerprint.event_score(profile, seed, weights)
    rivals = [
        (rival, fingerprint.event_profile(rival.title, rival.text, rival.outlet))
        for rival in session.scalars(select(Article).where(Article.id.in_(rival_ids)))
    ]
    if any(rival.text is None or fingerprint.event_score(p, seed, weights) >= mine for rival, p in rivals):
        return None, []
    return story_id, rivals


def detach(session: Session, row: Article, profile: EventProfile, recent: RecentStories) -> bool:
    """Make a stored report (and its copies) a story of its own, a seed later reports compare with.
    The alerts it made for the story it leaves go with it (their keys name the new story); returns
    whether there were any."""
    from newswatch.domain import fingerprint

    row.event_terms = fingerprint.profile_to_json(profile)
    moved = move_to_story(session, row, row.id)
    recent.add(row.id, profile)
    recent.add_seed(row.id, row.published_at or row.fetched_at, bool(row.matches))
    return moved


def move_to_story(session: Session, row: Article, story_id: int) -> bool:
    """Put a stored report and its copies in story `story_id`, with the alerts it made for the
    story it leaves (their keys name the new story); returns whether there were any."""
    left = row.story_id
    row.story_id = story_id
    session.execute(update(Article).where(Article.duplicate_of == row.id).values(story_id=story_id))
    alerts = list(session.scalars(select(Alert).where(Alert.article_id == row.id, Alert.story_id == left)))
    for alert in alerts:
        alert.story_id = story_id
        if alert.key.endswith(f":story:{left}"):
            alert.key = alert.key[: -len(str(left))] + str(story_id)
    return bool(alerts)


def replace_matches(
    session: Session, row: Article, matches: Sequence[items.Match], now: datetime, topics: Sequence[str] | None = None
) -> tuple[set[str], set[str]]:
    """Set `row`'s matches to `matches` (for the given topic names, or all); returns the topic
    names added and removed."""
    scope = set(topics) if topics is not None else None
    current = {m.topic: m for m in row.matches if scope is None or m.topic in scope}
    wanted = {m.topic: m for m in matches if scope is None or m.topic in scope}
    for name in current.keys() - wanted.keys():
        row.matches.remove(current[name])
    for name, match in wanted.items():
        hits = [{"term": h.term, "field": h.field, "snippet": h.snippet} for h in match.hits]
        if name in current:
            current[name].score, current[name].hits = round(match.score, 4), hits
        else:
            row.matches.append(TopicMatch(topic=name, score=round(match.score, 4), hits=hits, created_at=now))
    session.flush()
    return wanted.keys() - current.keys(), current.keys() - wanted.keys()


# Reading -----------------------------------------------------------------------------------


def list_articles(
    session: Session,
    topic: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    matched_only: bool = True,
    limit: int | None = 50,
) -> list[Article]:
    """Stored articles as ORM rows, newest first (the filters are `db.reading.article_query`'s)."""
    from newswatch.db import reading

    query = reading.article_query(topic, source, since, matched_only).with_only_columns(reading.articles.c.id)
    ids = list(session.execute(query.limit(limit) if limit else query).scalars())
    rows: dict[int, Article] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows.update((row.id, row) for row in session.scalars(select(Article).where(Article.id.in_(chunk))))
    return [rows[i] for i in ids if i in rows]


def story_alerts(session: Session, story_ids: Sequence[int]) -> dict[int, list[dict]]:
    """Per story, the alerts it made: instant ones and updates, folded into a cycle's summary,
    or told in a digest (topic, kind, alert id, the article that made it)."""
    from newswatch.db.models import STORY_ALERT_KINDS, Alert

    found: dict[int, list[dict]] = {}
    query = (
        select(Alert.story_id, Alert.topic, Alert.kind, Alert.id, Alert.article_id)
        .where(Alert.story_id.in_(list(story_ids)), Alert.kind.in_(STORY_ALERT_KINDS))
        .order_by(Alert.id)
    )
    for story_id, topic, kind, alert_id, article_id in session.execute(query):
        found.setdefault(story_id, []).append(  # type: ignore[arg-type]  # only rows of the given stories
            {"topic": topic, "kind": kind, "alert_id": alert_id, "article_id": article_id}
        )
    return found


def story_articles(session: Session, story_ids: Sequence[int]) -> dict[int, list[Article]]:
    grouped: dict[int, list[Article]] = {}
    for row in session.scalars(select(Article).where(Article.story_id.in_(list(story_ids))).order_by(Article.id)):
        grouped.setdefault(row.story_id, []).append(row)  # type: ignore[arg-type]  # only rows of the given stories
    return grouped


def source_article_counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Article.source, func.count()).group_by(Article.source)).all())


def drop_unmatched_text(session: Session, older_than: datetime) -> int:
    """Retention: forget the text of old articles that matched no topic (metadata stays, so the
    URL is still known and never fetched again)."""
    result = session.execute(
        update(Article)
        .where(
            Article.fetched_at < older_than, Article.text.is_not(None), ~Article.id.in_(select(TopicMatch.article_id))
        )
        .values(text=None, event_terms=None)  # far older than any story window
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0  # type: ignore[attr-defined]  # DML runs give a CursorResult


def pending_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of `keys` are pending pages (failed or left over): the listing does not fetch them."""
    wanted = list(dict.fromkeys(keys))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.scalars(select(PendingPage.key).where(PendingPage.key.in_(chunk))))
    return found


def due_pages(
    session: Session, sources: Iterable[str], now: datetime, regardless: Iterable[str] = ()
) -> dict[str, list[tuple[str, str, items.FeedEntry]]]:
    """Per source, the pending pages to fetch this cycle, oldest first: those whose retry is due,
    and every retry of the sources in `regardless` (named by the user: fetched now)."""
    regardless = set(regardless)
    due: dict[str, list[tuple[str, str, items.FeedEntry]]] = {}
    names = list(sources)
    rows = session.scalars(
        select(PendingPage)
        .where(PendingPage.source.in_(names), PendingPage.status.in_(("retry", "deferred")))
        .order_by(PendingPage.id)
    )
    for row in rows:
        if row.source in regardless or row.next_attempt_at is None or row.next_attempt_at <= now:
            due.setdefault(row.source, []).append((row.key, row.url, entry_from_json(row.url, row.entry)))
    return due


def entry_to_json(entry: items.FeedEntry) -> dict:
    data = {k: v for k, v in vars(entry).items() if v not in (None, [], "")}
    for moment in ("published_at", "updated_at"):
        if moment in data:
            data[moment] = data[moment].isoformat()
    return data


def entry_from_json(url: str, data: dict) -> items.FeedEntry:
    known = {k: v for k, v in (data or {}).items() if k in items.FeedEntry.__dataclass_fields__}
    for moment in ("published_at", "updated_at"):
        if known.get(moment):
            known[moment] = datetime.fromisoformat(known[moment])
    known["url"] = known.get("url") or url
    return items.FeedEntry(**known)


def page_retry_delay(attempts: int, interval: float) -> timedelta:
    """After the n-th failure for a passing reason: the next cycle, then every other cycle, every
    fourth... (in units of the source's interval), at most PAGE_MAX_DELAY."""
    return timedelta(seconds=min(interval * (2 ** (attempts - 1) - 1), PAGE_MAX_DELAY))


def record_pages(session: Session, outcome, now: datetime, interval: float) -> None:
    """Write what became of one source's pages this cycle (domain.report.SourceOutcome): stored
    ones leave the pending list, failed ones join it (to retry, or failed for good), pages left
    over for the next cycle are due at once."""
    if outcome.settled:
        settled = list(outcome.settled)
        for start in range(0, len(settled), 500):
            session.execute(delete(PendingPage).where(PendingPage.key.in_(settled[start : start + 500])))
    keys = [f.key for f in outcome.page_failures] + [key for key, _, _ in outcome.deferred]
    rows: dict[str, PendingPage] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows.update((row.key, row) for row in session.scalars(select(PendingPage).where(PendingPage.key.in_(chunk))))
    for failure in outcome.page_failures:
        row = rows.get(failure.key)
        if row is None:
            row = rows[failure.key] = PendingPage(
                source=outcome.name,
                key=failure.key,
                url=failure.url,
                entry=entry_to_json(failure.entry),
                attempts=0,
                first_seen_at=now,
            )
            session.add(row)
        row.attempts = (row.attempts or 0) + 1
        row.last_attempt_at, row.reason = now, failure.reason
        if failure.permanent:
            row.status, row.next_attempt_at = "failed", None
        elif row.attempts >= PAGE_ATTEMPTS:
            row.status, row.next_attempt_at = "failed", None
            row.reason = f"gave up after {row.attempts} attempts: {failure.reason}"
        else:
            row.status, row.next_attempt_at = "retry", now + page_retry_delay(row.attempts, interval)
    for key, url, entry in outcome.deferred:
        if key not in rows:
            rows[key] = PendingPage(
                source=outcome.name,
                key=key,
                url=url,
                entry=entry_to_json(entry),
                status="deferred",
                attempts=0,
                first_seen_at=now,
                next_attempt_at=now,
                reason="left for the next cycle (max_articles_per_source)",
            )
            session.add(rows[key])


def pending_counts(session: Session) -> dict[str, dict[str, int]]:
    """Per source, its pending pages by status (retry, deferred, failed)."""
    counts: dict[str, dict[str, int]] = {}
    query = select(PendingPage.source, PendingPage.status, func.count()).group_by(
        PendingPage.source, PendingPage.status
    )
    for source, status, count in session.execute(query):
        counts.setdefault(source, {})[status] = count
    return counts


def list_pending(session: Session, source: str | None = None) -> list[PendingPage]:
    query = select(PendingPage).order_by(PendingPage.source, PendingPage.id)
    if source:
        query = query.where(PendingPage.source == source)
    return list(session.scalars(query))


def source_states(session: Session) -> dict[str, dict]:
    """What the crawler needs to know of each source before fetching it."""
    return {
        row.name: {
            "etag": row.etag,
            "last_modified": row.last_modified,
            "last_full_fetch_at": row.last_full_fetch_at,
            "backoff_until": row.backoff_until,
            "consecutive_errors": row.consecutive_errors,
            "status": row.status,
            "error": row.error,
        }
        for row in session.scalars(select(Source))
    }


def record_outcome(session: Session, outcome, now: datetime, interval: float) -> Source | None:
    """Write one source's cycle outcome (domain.report.SourceOutcome) to its row."""
    row = session.scalars(select(Source).where(Source.name == outcome.name)).first()
    if row is None:
        return None
    if outcome.status == "backoff":  # skipped: nothing was fetched
        row.next_run_at = row.backoff_until
        return row
    row.last_fetch_at = now
    row.next_run_at = now + timedelta(seconds=interval)
    row.last_items, row.last_new = outcome.listed, outcome.stored
    if outcome.status != "not_modified":  # an unchanged listing keeps its problem
        row.warning = outcome.warning if outcome.status != "error" or outcome.listing_ok else None
    if outcome.retry_after:
        row.backoff_until = now + timedelta(seconds=min(outcome.retry_after, MAX_BACKOFF))
    if outcome.status == "error":
        if outcome.listing_ok:  # its pages failed, and wait in pending_pages: the listing was read
            row.etag, row.last_modified = outcome.etag, outcome.last_modified
            if outcome.full_fetch:
                row.last_full_fetch_at = now
        row.status, row.error = "error", outcome.summary_error
        row.consecutive_errors = (row.consecutive_errors or 0) + 1
        # Back off a failing source: twice its interval per further failure, at most a day.
        if row.consecutive_errors >= 2:
            delay = min(interval * 2 ** (row.consecutive_errors - 1), MAX_BACKOFF)
            row.backoff_until = max(row.backoff_until or now, now + timedelta(seconds=delay))
            row.status = "backoff"
        if row.backoff_until and row.backoff_until > row.next_run_at:
            row.next_run_at = row.backoff_until
        return row
    if not outcome.retry_after:
        row.backoff_until = None
    row.status = "ok" if outcome.status != "not_modified" else "not_modified"
    row.error = outcome.summary_error
    row.consecutive_errors = 0
    row.last_success_at = now
    if outcome.stored:
        row.last_new_at = now
    if outcome.status == "ok":
        row.etag, row.last_modified = outcome.etag, outcome.last_modified
        if outcome.full_fetch:
            row.last_full_fetch_at = now
    return row


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.name)))


def list_stories(
    session: Session, topic: str | None = None, since: datetime | None = None, limit: int = 30
) -> list[tuple[int, list[Article]]]:
    """Stories newest first, each with its articles (original first)."""
    latest = func.max(Article.fetched_at)
    query = select(Article.story_id).where(Article.story_id.is_not(None)).group_by(Article.story_id)
    if topic:
        query = query.where(
            Article.story_id.in_(
                select(Article.story_id)
                .join(TopicMatch, TopicMatch.article_id == Article.id)
                .where(TopicMatch.topic == topic)
            )
        )
    else:
        query = query.where(
            Article.story_id.in_(select(Article.story_id).join(TopicMatch, TopicMatch.article_id == Article.id))
        )
    if since is not None:
        query = query.having(latest >= since)
    story_ids = list(session.scalars(query.order_by(latest.desc()).limit(limit)))
    grouped = story_articles(session, story_ids)  # type: ignore[arg-type]  # stories ids, never None here
    return [(story_id, grouped[story_id]) for story_id in story_ids if story_id in grouped]
