"""What an alert says and how: the facts a reader needs, web text that cannot break out of its
format, configured templates, and URLs whose secrets stay hidden."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswatch.alerts import mask_url, target_id, template_error
from newswatch.alerts.render import ArticleView, MatchView, markdown_escape, render_instant, render_summary
from newswatch.alerts.targets import format_for, scrub
from newswatch.alerts.transport import validate_url
from tests.alerts_helpers import alert_settings

PUBLISHED = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def article(**fields) -> ArticleView:
    values = {
        "title": "India, US launch TRUST to replace iCET",
        "url": "https://ledger.example/news/trust.html",
        "source": "the-ledger",
        "published_at": PUBLISHED,
        "snippet": "The initiative on critical and emerging technology gets a new name.",
    }
    values.update(fields)
    return ArticleView(**values)


MATCH = MatchView(topic="icet", terms=["iCET", "TRUST"], score=2.0)


def test_instant_alert_names_title_url_source_topic_and_terms_in_every_format():
    title, markdown, html, text = render_instant(article(), MATCH, "icet")
    assert title == "[icet] India, US launch TRUST to replace iCET"
    for body in (markdown, html, text):
        # A notification is its title and its body: together they tell the whole story.
        for expected in (
            "India, US launch TRUST to replace iCET",
            "https://ledger.example/news/trust.html",
            "the-ledger",
            "icet",
            "iCET, TRUST",
            "25 Nov 2026",
        ):
            assert expected in f"{title}\n{body}", (expected, body)
    assert "the-ledger · 25 Nov 2026, 09:30 UTC\nTopic: icet · Matched: iCET, TRUST" in text


def test_phone_sized_title_stays_on_one_line():
    long_title = "India and US \n sign " + "very " * 100 + "long deal"
    title = render_instant(article(title=long_title), MATCH, "icet").title
    assert "\n" not in title and len(title) <= 250 and title.startswith("[icet] India and US sign very")


def test_markdown_specials_in_web_text_are_escaped():
    nasty = "*Breaking* _news_: [click](javascript:alert(1)) `code` <b>bold</b> | ~x~"
    body = render_instant(article(title=nasty, snippet="# not a heading"), MATCH, "icet").markdown
    assert r"\*Breaking\* \_news\_: \[click\](javascript:alert(1)) \`code\` \<b\>bold\</b\> \| \~x\~" in body
    assert r"> \# not a heading" in body
    escaped = markdown_escape("1. First\n- second\n+ third\n## fourth")
    assert escaped == "1\\. First\n\\- second\n\\+ third\n\\## fourth"


def test_markdown_escape_survives_a_markdown_renderer():
    from markdown import Markdown

    converter = Markdown()
    converter.ESCAPED_CHARS = sorted(set(converter.ESCAPED_CHARS) | set("<>|~#-"))
    html = converter.convert(markdown_escape("<script>alert(1)</script> *not bold* [not](a link)"))
    assert "<script>" not in html and "<em>" not in html and "<a " not in html
    assert "*not bold*" in html


def test_html_in_web_text_is_escaped_and_only_web_links_are_links():
    rendered = render_instant(
        article(title="<script>alert(1)</script> & co", url="javascript:alert(1)", source="<img src=x>"), MATCH, "icet"
    )
    assert "<script>" not in rendered.html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in rendered.html
    assert "<img" not in rendered.html
    assert 'href="javascript' not in rendered.html and 'href="#"' in rendered.html
    assert "](javascript" not in rendered.markdown


def test_update_alert_says_it_is_an_update():
    assert render_instant(article(), MATCH, "icet", kind="update").title.startswith("[icet] Update: ")


def test_configured_templates_replace_the_built_in_ones_and_still_escape():
    settings = alert_settings(
        title_template="{{ topic|upper }} | {{ article.title }}",
        body_template="**{{ article.title }}** via {{ article.source }}\n\n"
        "[open]({{ article.url|mdurl }}) ({{ terms|join(', ') }})",
    )
    title, markdown, html, text = render_instant(article(title="Chips <and> *more*"), MATCH, "icet", settings=settings)
    assert title == "ICET | Chips <and> *more*"
    assert markdown.startswith(r"**Chips \<and\> \*more\*** via the-ledger")
    assert "<strong>Chips &lt;and&gt; *more*</strong>" in html
    assert '<a href="https://ledger.example/news/trust.html">open</a>' in html
    assert text.startswith("**Chips <and> *more*** via the-ledger")


def test_unsafe_or_broken_configured_template_falls_back_to_the_built_in_one():
    default = render_instant(article(), MATCH, "icet")
    for template in ("{{ article.__class__.__mro__[1].__subclasses__() }}", "{% for x in %}"):
        assert render_instant(article(), MATCH, "icet", settings=alert_settings(body_template=template)) == default
    assert template_error("{% for x in %}") and template_error("{{ article.title }}") is None


def test_summary_lists_each_folded_story_with_its_topic_and_link():
    items = [
        {"topic": "icet", "title": "One", "url": "https://a.example/1", "source": "a"},
        {"topic": "chips", "title": "Two", "url": "https://b.example/2", "source": "b"},
    ]
    title, markdown, html, text = render_summary(items)
    assert title == "[newswatch] 2 more new stories"
    assert "[icet] One · a\n  https://a.example/1" in text and "[chips] Two" in text
    assert "(https://b.example/2)" in markdown and 'href="https://a.example/1"' in html


@pytest.mark.parametrize(
    "url, secrets, kept",
    [
        (
            "mailto://alerts:hunter2pass@smtp.example.com:587?to=me@example.com",
            ["hunter2pass"],
            "mailto://alerts:****@smtp.example.com:587?to=me@example.com",
        ),
        (
            "tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-1001234567/",
            ["AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"],
            "tgram://",
        ),
        (
            "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
            ["JHMHI8qBe7bk2ZwO5U711o3dV_js", "4174216298"],
            "discord://",
        ),
        (
            "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
            ["T1JJ3T3L2", "TIiajkdnlazkcOXrIdevi7FQ"],
            "https://hooks.slack.com/services/",
        ),
        ("json://127.0.0.1:8080/hook?token=abcdef&mode=x", ["abcdef"], "json://127.0.0.1:8080/hook?token=****&mode=x"),
        ("ntfys://user:pa55@ntfy.sh/my-alerts-topic", ["pa55"], "ntfys://user:****@ntfy.sh/my-alerts-topic"),
    ],
)
def test_masked_urls_keep_scheme_and_host_but_never_show_tokens(url, secrets, kept):
    masked = mask_url(url)
    assert masked.startswith(kept)
    for secret in secrets:
        assert secret not in masked
        assert secret not in scrub(f"failed to reach {url} (token {secret})", url)
    assert target_id(url) == target_id(url) and len(target_id(url)) == 16
    assert all(secret not in target_id(url) for secret in secrets)


def test_email_targets_get_html_and_hooks_plain_text():
    assert format_for("mailto://u:p@example.com") == "html" and format_for("mailtos://u:p@example.com") == "html"
    assert format_for("json://127.0.0.1/x") == "text" and format_for("tgram://bot/chat") == "markdown"


def test_config_validation_names_what_is_wrong_without_the_secret():
    assert validate_url("json://127.0.0.1:8080/hook") is None
    problem = validate_url("nosuchservice://user:VerySecretPw1@example.com")
    assert problem and "VerySecretPw1" not in problem
