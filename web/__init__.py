"""The web view (`newswatch web`): server-rendered pages, Atom feeds and a JSON API over the store.

Application level, like the CLI: it reads through db/ and domain/ and takes its configuration as
a `site.WebOptions` from whoever starts it (scheduler/cli.py); nothing below imports it.
"""
