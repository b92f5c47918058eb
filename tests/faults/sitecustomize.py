"""Fault injection for the test suite, loaded only by processes a test starts with this folder on
PYTHONPATH: with NEWSWATCH_FAULT_EXTRACT_ONCE set to a folder, the first extraction of each page
raises (a marker file per URL remembers it), every later one works. It stands in for an
extraction that fails for a passing reason, which a real page can't be made to do on demand."""

import os

_folder = os.environ.get("NEWSWATCH_FAULT_EXTRACT_ONCE")
if _folder:
    import hashlib
    from pathlib import Path

    from newswatch.crawler import extract

    _real = extract.extract_article

    def _fails_once(body, url, *args, **kwargs):
        marker = Path(_folder) / hashlib.sha1(url.encode()).hexdigest()
        try:
            marker.touch(exist_ok=False)
        except FileExistsError:
            return _real(body, url, *args, **kwargs)
        raise RuntimeError(f"injected extraction fault for {url}")

    extract.extract_article = _fails_once
