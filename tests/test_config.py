"""Configuration: found in the documented order, validated once, every problem exits 2 naming
the file, the key and what is wrong, and nothing runs."""

from __future__ import annotations

import re
import tomllib

import pytest

from newswatch.domain.topics import BUILTIN_TOPICS
from newswatch.scheduler.config import ConfigError, Settings, load_config, parse_config
from newswatch.scheduler.default_sources import DEFAULT_SOURCES
from tests.conftest import json_lines, run_newswatch

GOOD_SOURCE = '[[sources]]\nname = "a"\nurl = "https://example.org/feed.xml"\n'
GOOD_TOPIC = '[[topics]]\nname = "t"\nquery = "jet AND engine"\n'


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[crawl]\nallow_private_adresses = true\n", "crawl.allow_private_adresses", "unknown key"),
        ('[crawl]\nconcurrency = "many"\n', "crawl.concurrency", "integer"),
        (GOOD_SOURCE.replace('"a"\n', '"a"\ninterval = "soon"\n'), "sources[0] (a).interval", "invalid duration"),
        (GOOD_SOURCE + GOOD_SOURCE, "sources[1].name", "duplicate name 'a'"),
        ('[[topics]]\nname = "t"\nquery = "(jet AND"\n', "topics[0] (t).query", "line 1, column 9"),
        ('[[sources]]\nname = "x"\ntype = "rss"\nurl = "https://e.org/"\n', "sources[0] (x).type", "feed"),
        ('[[sources]]\nname = "x"\nurl = "ftp://e.org/"\n', "sources[0] (x)", "http"),
        ('[alerts]\nmax_age = "3 days"\n', "alerts.max_age", "invalid duration"),
        ('[alerts]\nurls = ["nonsense-not-a-url"]\n', "alerts.urls[0]", ""),
        ('[alerts]\ntitle_template = "{{ title "\n', "alerts.title_template", "invalid template"),
        ('[alerts]\ndigest_cron = "every day"\n', "alerts.digest_cron", "cron"),
        ('[alerts]\nquiet_hours = "late"\n', "alerts.quiet_hours", "quiet hours"),
        ('[[topics]]\nname = "chips"\n', "topics[0] (chips).query", "only a topic named like a built-in one"),
    ],
)
def test_bad_configuration_names_file_key_and_problem(tmp_path, text, key, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_config(str(path))
    assert raised.value.key == key
    assert problem in raised.value.problem
    assert str(path) in str(raised.value)


def test_bad_configuration_exits_2_and_runs_nothing(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[database]\nurl = "sqlite:///x.db"\n[crawl]\nbogus = 1\n')
    result = run_newswatch("crawl", config=path)
    assert result.returncode == 2
    assert str(path) in result.stderr and "crawl.bogus" in result.stderr and "unknown key" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_unusable_alert_url_stops_sending_commands_but_not_reading_ones(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text('[database]\nurl = "sqlite:///x.db"\n[alerts]\nurls = ["nosuchservice://user:Pw@example.com"]\n')
    # Reading the archive never sends, so a broken alert target does not stand in the way...
    listing = run_newswatch("articles", "--json", config=path)
    assert listing.returncode == 0, listing.stderr
    # ...but everything that sends refuses to start, naming the key, without the password.
    for command in (("crawl",), ("alerts", "send"), ("run",)):
        result = run_newswatch(*command, config=path)
        assert result.returncode == 2, (command, result.stderr)
        assert "alerts.urls[0]" in result.stderr and "Pw@" not in result.stderr


def test_a_database_url_naming_no_known_database_is_a_configuration_error(tmp_path):
    for url, problem in (
        ("nosuchdb://host/news", "unknown kind of database 'nosuchdb'"),
        ("a file name, not a URL", "is not a SQLAlchemy database URL"),
    ):
        path = tmp_path / "bad.toml"
        path.write_text(f'[database]\nurl = "{url}"\n')
        for command in (("articles",), ("crawl",)):
            result = run_newswatch(*command, config=path)
            assert result.returncode == 2, (command, result.stderr)
            assert f"{path}: database.url: " in result.stderr and problem in result.stderr


def test_invalid_toml_is_a_configuration_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[crawl\n")
    result = run_newswatch("articles", config=path)
    assert result.returncode == 2 and "invalid TOML" in result.stderr


def test_missing_config_file_given_explicitly_is_an_error(tmp_path):
    result = run_newswatch("articles", config=tmp_path / "nope.toml")
    assert result.returncode == 2 and "not found" in result.stderr


def test_config_is_found_via_environment_then_working_directory(tmp_path):
    env_file = tmp_path / "env.toml"
    env_file.write_text(GOOD_SOURCE + GOOD_TOPIC)
    assert load_config(None, env={"NEWSWATCH_CONFIG": str(env_file)}, cwd=tmp_path).path == env_file.resolve()
    (tmp_path / "newswatch.toml").write_text(GOOD_TOPIC)
    assert load_config(None, env={}, cwd=tmp_path).path == (tmp_path / "newswatch.toml").resolve()
    builtin = load_config(None, env={}, cwd=tmp_path / "elsewhere")
    assert builtin.path is None and any(t.name == "icet" for t in builtin.settings.topics)


def test_relative_sqlite_path_is_relative_to_the_config_file(tmp_path):
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "n.toml"
    path.write_text('[database]\nurl = "sqlite:///data/n.db"\n')
    assert load_config(str(path)).database_url == f"sqlite:///{tmp_path}/conf/data/n.db"


def test_init_writes_the_commented_default_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "newswatch.toml"
    assert run_newswatch("init", str(target)).returncode == 0
    text = target.read_text()
    assert text.count("\n#") > 20
    data = tomllib.loads(text)
    assert any(t["name"] == "icet" for t in data["topics"])
    config = load_config(str(target))
    assert config.settings.crawl.allow_private_addresses is False
    # A few sources written out, every built-in one followed.
    assert 3 <= len(data["sources"]) <= 6 and data["builtin_sources"] is True
    assert {s.name for s in config.sources} == {source["name"] for source in DEFAULT_SOURCES}

    target.write_text("# mine\n")
    again = run_newswatch("init", str(target))
    assert again.returncode == 2 and "--force" in again.stderr
    assert target.read_text() == "# mine\n"
    assert run_newswatch("init", str(target), "--force").returncode == 0
    assert "icet" in target.read_text()


def test_init_file_is_short_and_says_nothing_about_how_sources_were_checked(tmp_path):
    target = tmp_path / "newswatch.toml"
    assert run_newswatch("init", str(target)).returncode == 0
    text = target.read_text()
    topics = sum(len(topic.query.splitlines()) for topic in BUILTIN_TOPICS)
    assert len(text.splitlines()) - topics < 132  # every key, a few sources: two screens besides the queries
    for source in DEFAULT_SOURCES:
        assert source["checked"] not in text
    assert "checked" not in text.lower() and "find_string" not in text


def test_init_all_sources_writes_every_built_in_source_out(tmp_path):
    target = tmp_path / "all.toml"
    assert run_newswatch("init", str(target), "--all-sources").returncode == 0
    data = tomllib.loads(target.read_text())
    assert data["builtin_sources"] is False
    assert [s["name"] for s in data["sources"]] == [source["name"] for source in DEFAULT_SOURCES]
    assert "checked" not in target.read_text().lower()
    assert {s.name for s in load_config(str(target)).sources} == {source["name"] for source in DEFAULT_SOURCES}


def test_two_sources_and_one_topic_from_the_init_file(tmp_path):
    """What a user does to follow two sources and one topic: one word changed, two source blocks
    and one topic block deleted."""
    target = tmp_path / "newswatch.toml"
    assert run_newswatch("init", str(target)).returncode == 0
    text = target.read_text().replace("builtin_sources = true", "builtin_sources = false")
    blocks = text.split("\n\n")
    kept = [b for b in blocks if not (b.startswith("[[topics]]") and 'name = "india-us"' in b)]
    sources = [b for b in kept if b.startswith("[[sources]]")]
    kept = [b for b in kept if b not in sources[2:]]
    target.write_text("\n\n".join(kept))
    config = load_config(str(target))
    assert len(config.sources) == 2 and [t.name for t in config.settings.topics] == ["icet"]
    assert len(blocks) - len(kept) == 3


def test_built_in_sources_are_picked_by_name_and_replaced_by_a_source_of_the_same_name(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text(
        'builtin_sources = ["gnews-icet", "pib-releases"]\n'
        '[[sources]]\nname = "pib-releases"\nurl = "https://example.org/pib.xml"\ninterval = "1h"\n' + GOOD_SOURCE
    )
    result = run_newswatch("sources", "--json", config=path)
    assert result.returncode == 0, result.stderr
    listed = {record["name"]: record for record in json_lines(result.stdout)}
    assert set(listed) == {"pib-releases", "a", "gnews-icet"}
    assert listed["pib-releases"]["url"] == "https://example.org/pib.xml" and listed["pib-releases"]["interval"] == 3600


def test_built_in_default_follows_every_built_in_source_and_the_icet_topic(tmp_path):
    config = load_config(None, env={}, cwd=tmp_path)
    assert config.path is None
    assert sorted(s.name for s in config.sources) == sorted(source["name"] for source in DEFAULT_SOURCES)
    assert "icet" in {t.name for t in config.settings.topics}


def test_uncommenting_every_key_of_the_init_file_changes_nothing(tmp_path):
    """The commented-out keys show the models' defaults, spelled as a user writes them (a key
    unset by default shows an example instead, and stays commented)."""
    target = tmp_path / "newswatch.toml"
    assert run_newswatch("init", str(target)).returncode == 0
    lines, table, uncommented = target.read_text().splitlines(), None, 0
    for index, line in enumerate(lines):
        if line.startswith("# ["):  # a table written commented out whole: its keys stay commented
            table = None
        elif line.startswith("["):
            table = None if line.startswith("[[") else getattr(Settings(), line.strip("[]"), None)
        found = re.match(r"^# ([a-z_]+) = (.*?)(\s+# .*)?$", line)
        if found and table is not None and getattr(table, found[1]) is not None:
            lines[index] = f"{found[1]} = {found[2]}"
            uncommented += 1
    assert uncommented > 20
    assert load_config(str(target)).settings == parse_config("\n".join(lines), "x", None).settings


@pytest.mark.parametrize(("window", "problem"), [("07:00-07:00", "empty"), ("22-07", "HH:MM-HH:MM")])
def test_empty_or_malformed_quiet_hours_stop_newswatch_naming_the_key(tmp_path, window, problem):
    path = tmp_path / "n.toml"
    path.write_text(f'[database]\nurl = "sqlite:///x.db"\n[alerts]\nquiet_hours = "{window}"\n')
    result = run_newswatch("crawl", config=path)
    assert result.returncode == 2
    assert f"alerts.quiet_hours: invalid quiet hours '{window}'" in result.stderr and problem in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_misspelt_key_gets_a_suggestion(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text('[crawl]\nconcurency = 4\n[[sources]]\nname = "a"\nurl = "https://e.org/"\nintervall = "5m"\n')
    result = run_newswatch("crawl", config=path)
    assert result.returncode == 2
    assert "crawl.concurency: unknown key (did you mean 'concurrency'?)" in result.stderr
    path.write_text(GOOD_SOURCE.replace('"a"\n', '"a"\nintervall = "5m"\n'))
    assert (
        "sources[0] (a).intervall: unknown key (did you mean 'interval'?)" in run_newswatch("crawl", config=path).stderr
    )
    path.write_text('builtin_sources = ["the-hindu-nationl"]\n')
    result = run_newswatch("crawl", config=path)
    assert result.returncode == 2 and "builtin_sources[0]" in result.stderr and "'the-hindu-national'" in result.stderr


def test_top_level_key_written_inside_a_table_says_where_it_belongs(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text(GOOD_TOPIC + "builtin_sources = true\n")
    with pytest.raises(ConfigError) as raised:
        load_config(str(path))
    assert raised.value.key == "topics[0] (t).builtin_sources"
    assert "top of the file" in raised.value.problem


def test_unknown_source_name_on_the_command_line_is_a_usage_error(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text(GOOD_SOURCE + GOOD_TOPIC)
    result = run_newswatch("crawl", "--source", "nope", config=path)
    assert result.returncode == 2 and "nope" in result.stderr


def test_schema_head_read_from_files_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from newswatch.db.session import MIGRATIONS, head_revision

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_reading_commands_notice_a_config_broken_after_it_validated(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text('[database]\nurl = "sqlite:///x.db"\n')
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):  # the second run reads the validated configuration from the cache
        assert run_newswatch("articles", "--json", config=path, env=cache).returncode == 0
    path.write_text('[database]\nurl = "sqlite:///x.db"\n[crawl]\nconcurency = 4\n')
    for command in (("articles",), ("search", "jet"), ("show", "1"), ("export",)):
        result = run_newswatch(*command, config=path, env=cache)
        assert result.returncode == 2, (command, result.stderr)
        assert "crawl.concurency: unknown key" in result.stderr


def test_reading_commands_follow_a_changed_database_url_and_keep_the_cache_private(tmp_path):
    path = tmp_path / "n.toml"
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    for name in ("first", "second", "first"):
        path.write_text(f'[database]\nurl = "sqlite:///{name}.db"\n')
        (tmp_path / f"{name}.db").unlink(missing_ok=True)
        result = run_newswatch("articles", config=path, env=cache)
        assert result.returncode == 0
        # The database the file names now, not before (not created just to be read).
        assert f"{tmp_path / name}.db does not exist yet" in result.stdout
    # One entry for the one file, replaced as it changes; it may hold a database password, so
    # only its owner can read it.
    entries = list((tmp_path / "cache" / "newswatch").iterdir())
    assert len(entries) == 1 and entries[0].stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(("name", "problem"), [("all", "`all` names every topic"), ("..", "not dots alone")])
def test_a_topic_name_the_web_view_cannot_serve_stops_newswatch_naming_the_topic(tmp_path, name, problem):
    stderr = _refused(tmp_path, f'[[topics]]\nname = "{name}"\nquery = "chips"\n')
    assert f"topics[0] ({name}).name" in stderr and problem in stderr


def _refused(tmp_path, body: str) -> str:
    """`newswatch crawl` on a configuration with `body`: exit 2, no database made; its stderr."""
    path = tmp_path / "n.toml"
    path.write_text(f'[database]\nurl = "sqlite:///x.db"\n{body}')
    result = run_newswatch("crawl", config=path)
    assert result.returncode == 2
    assert not (tmp_path / "x.db").exists()
    return result.stderr


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.0.0.1:99999/feed", "Port out of range"),
        ("http://127.0.0.1:abc/feed", "Port could not be cast"),
        ("http://[::1/feed", "Invalid IPv6 URL"),
        ("http://exa mple.com/feed", "a space in the host"),
        ("https://bob:PaSSw0rd@news.example:0/feed", "port 0"),
    ],
)
def test_a_source_url_the_crawler_could_not_fetch_stops_newswatch_naming_the_source(tmp_path, url, problem):
    stderr = _refused(tmp_path, f'[[sources]]\nname = "typo"\nurl = "{url}"\n')
    assert "sources[0] (typo)" in stderr and problem in stderr
    assert "PaSSw0rd" not in stderr


def test_toml_nested_too_deeply_is_a_configuration_error(tmp_path):
    path = tmp_path / "n.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    result = run_newswatch("crawl", config=path)
    assert result.returncode == 2
    assert "invalid TOML" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('[crawl]\nobey_robots_txt = "no"\n', "crawl.obey_robots_txt: Input should be a valid boolean"),
        ("[crawl]\nretries = true\n", "crawl.retries: Input should be a valid integer"),
        ('[alerts]\nmax_per_cycle = "20"\n', "alerts.max_per_cycle: Input should be a valid integer"),
        ('[alerts]\nclaim_timeout = "0s"\n', "claim_timeout (0s) must be longer than send_timeout (60s)"),
        ('[alerts]\nretry_base = "1h"\nretry_cap = "10m"\n', "retry_cap (600s) is shorter than retry_base (3600s)"),
        ('[alerts]\ndigest_cron = "0 8 30 2 *"\n', "alerts.digest_cron: cron expression '0 8 30 2 *' never fires"),
        ('[[sources]]\nname = "   "\nurl = "https://news.example/feed"\n', "name must not be blank"),
    ],
)
def test_a_value_that_would_be_quietly_misread_stops_newswatch_naming_the_key(tmp_path, body, problem):
    assert problem in _refused(tmp_path, body)
