"""The domain: what an article, a listing entry, a topic and a match are, and the pure functions
over them (the query language, matching, fingerprints and events, canonical URLs). Nothing here
imports Scrapy, a database, apprise or any other part of newswatch."""
