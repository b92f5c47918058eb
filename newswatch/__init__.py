"""newswatch: a self-hosted news monitor.

One installed package. In the repository its parts keep folders of their own; installed, they are
`newswatch.<part>`. Bottom up, each layer imports only the layers below it:

1. `newswatch.domain` (domain/): plain types, the query language, matching, fingerprints,
   canonical URLs, the built-in topics. Pure; imports nothing of ours.
2. `newswatch.db` (db/): the store (models, migrations, queries); uses the domain.
3. `newswatch.crawler` (crawler/, Scrapy) and `newswatch.alerts` (alerts/, apprise): the edges
   that use the store. Neither imports the other.
4. `newswatch.scheduler` (scheduler/): configuration, the CLI, the service; the only layer that
   knows all the others.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newswatch")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
