"""What one crawl cycle did, per source: counted while crawling, written to the `sources` table
at the end, and summarised for the user."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SourceOutcome:
    name: str
    status: str = "pending"  # ok | not_modified | error | skipped
    error: str | None = None  # why the listing failed
    listed: int = 0  # entries in the listing
    known: int = 0  # entries already stored (not fetched)
    requested: int = 0  # article pages requested
    stored: int = 0  # new articles stored
    duplicates: int = 0  # of those, copies of an earlier article
    matched: int = 0  # of those, matching a topic
    failed: int = 0  # article pages that failed
    failures: list[str] = field(default_factory=list)  # the first few reasons
    retry_after: float | None = None  # seconds the server asked us to wait (429/503 Retry-After)
    etag: str | None = None
    last_modified: str | None = None
    full_fetch: bool = False

    def fail_article(self, url: str, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < 5:
            self.failures.append(f"{reason} ({url})")

    @property
    def summary_error(self) -> str | None:
        """The one line `sources` shows: the listing's error, else the article failures."""
        if self.error:
            return self.error
        if self.failed:
            more = f"; and {self.failed - len(self.failures)} more" if self.failed > len(self.failures) else ""
            return f"{self.failed} article page(s) failed: " + "; ".join(self.failures) + more
        return None


@dataclass
class CycleReport:
    sources: dict[str, SourceOutcome] = field(default_factory=dict)
    alerts_planned: int = 0
    folded: int = 0

    def source(self, name: str) -> SourceOutcome:
        return self.sources.setdefault(name, SourceOutcome(name))

    @property
    def stored(self) -> int:
        return sum(o.stored for o in self.sources.values())

    @property
    def matched(self) -> int:
        return sum(o.matched for o in self.sources.values())

    @property
    def duplicates(self) -> int:
        return sum(o.duplicates for o in self.sources.values())

    @property
    def failed_sources(self) -> list[SourceOutcome]:
        return [o for o in self.sources.values() if o.status == "error"]

    def to_dict(self) -> dict:
        return {
            "stored": self.stored, "matched": self.matched, "duplicates": self.duplicates,
            "alerts": self.alerts_planned, "folded": self.folded,
            "sources": [
                {"name": o.name, "status": o.status, "error": o.summary_error, "listed": o.listed, "known": o.known,
                 "requested": o.requested, "stored": o.stored, "duplicates": o.duplicates, "matched": o.matched,
                 "failed": o.failed}
                for o in self.sources.values()
            ],
        }
