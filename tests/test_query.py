"""The topic query language as a user writes it: syntax, operators, errors, Unicode folding,
exact case, wildcards, NEAR, fields and context rules; and how matched topics are scored."""

from datetime import UTC, datetime

import pytest

from newswatch.domain.items import Article, TopicSpec
from newswatch.domain.matching import TopicError, compile_topics, match, score
from newswatch.domain.query import Document, QueryError, parse_query


def matches(query: str, text: str, title: str = "") -> bool:
    return parse_query(query).evaluate(Document(title, text)) is not None


def terms(query: str, text: str, title: str = "") -> list[str]:
    return [hit.term for hit in parse_query(query).evaluate(Document(title, text)) or []]


def article(title: str, text: str) -> Article:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Article(
        url="https://example.org/a",
        canonical_url="https://example.org/a",
        source="test",
        title=title,
        text=text,
        fetched_at=now,
    )


# --- terms, phrases, boolean operators ---------------------------------------------------------


def test_bare_term_matches_whole_words_in_any_case():
    assert matches("india", "Talks in INDIA today")
    assert not matches("india", "Talks in Indiana today")


def test_quoted_phrase_needs_its_words_in_order_and_adjacent():
    assert matches('"jet engine"', "a new jet engine deal")
    assert not matches('"jet engine"', "the engine of a jet")
    assert not matches('"jet engine"', "jet fighter engine")


def test_adjacent_terms_must_all_appear():
    assert matches("india semiconductor", "Semiconductor plant opens in India")
    assert not matches("india semiconductor", "A plant opens in India")


def test_or_matches_either_side_and_and_binds_tighter():
    query = "cricket OR india semiconductor"
    assert matches(query, "A cricket match")
    assert matches(query, "India semiconductor plan")
    assert not matches(query, "India plan")


def test_not_excludes_documents_with_the_term():
    assert matches("india NOT cricket", "India and the US sign a pact")
    assert not matches("india NOT cricket", "India beat the US at cricket")


def test_parentheses_group_alternatives():
    query = "(chip OR semiconductor) AND india"
    assert matches(query, "India chip plant")
    assert matches(query, "India semiconductor plant")
    assert not matches(query, "US chip plant")


def test_lowercase_and_or_not_are_ordinary_words():
    assert matches('"law and order"', "a law and order problem")
    assert not matches("law and order", "law order")  # 'and' is a word that must appear


def test_query_made_only_of_not_matches_without_hits():
    assert parse_query("NOT cricket").evaluate(Document("", "Chip talks")) == []


def test_comments_run_to_the_end_of_the_line():
    query = "india   # the country\nAND chip  # and a technology"
    assert matches(query, "India chip plant")
    assert not matches(query, "India plant")


# --- wildcards ----------------------------------------------------------------------------------


def test_prefix_wildcard_matches_words_starting_with_it():
    assert matches("technolog*", "new technologies")
    assert matches("technolog*", "technology partnership")
    assert not matches("technolog*", "biotechnology firms")


def test_prefix_wildcard_inside_a_phrase():
    query = '"critical and emerging technolog*"'
    assert matches(query, "the initiative on Critical and Emerging Technology")
    assert matches(query, "critical and emerging technologies")


def test_hit_names_the_term_as_written_in_the_query():
    assert terms("semiconductor*", "India's semiconductors") == ["semiconductor*"]


# --- NEAR ---------------------------------------------------------------------------------------


def test_near_matches_within_n_words_in_either_order():
    assert matches("Doval NEAR/3 Sullivan", "Doval met with Jake Sullivan")
    assert matches("Doval NEAR/3 Sullivan", "Sullivan later met Doval")
    assert not matches("Doval NEAR/3 Sullivan", "Doval met with the new adviser Jake Sullivan")


def test_near_counts_the_words_between_the_two():
    assert matches("a NEAR/0 b", "x a b y")
    assert not matches("a NEAR/0 b", "a x b")
    assert matches("a NEAR/1 b", "a x b")


def test_near_joins_phrases_and_groups():
    query = '"jet engine" NEAR/5 (HAL OR "Hindustan Aeronautics")'
    assert matches(query, "The jet engine will be built by Hindustan Aeronautics")
    assert not matches(query, "The jet engine will be built in Bengaluru by a firm, said Hindustan Aeronautics")


def test_near_needs_two_different_places():
    assert not matches("india NEAR/5 india", "India signs")
    assert matches("india NEAR/5 india", "India and India")


def test_sentence_end_keeps_near_from_pairing_across_sentences():
    text = "The deal follows talks in Washington. Analysts in New Delhi said little."
    assert not matches('Washington NEAR/5 "New Delhi"', text)
    assert matches('Washington NEAR/5 "New Delhi"', "talks in Washington and New Delhi")


def test_phrase_never_spans_two_sentences():
    assert not matches('"India US"', "He was in India. US officials said so.")
    assert matches('"India US"', "India-US talks")


def test_abbreviation_full_stop_does_not_end_a_sentence():
    assert matches('"Mr Doval"', "Mr. Doval arrived")


# --- fields -------------------------------------------------------------------------------------


def test_title_scope_looks_only_at_the_title():
    assert matches("title:iCET", "Nothing here", title="iCET talks")
    assert not matches("title:iCET", "The iCET talks", title="Talks")


def test_text_scope_looks_only_at_the_body():
    assert matches("text:iCET", "The iCET talks", title="Talks")
    assert not matches("text:iCET", "Nothing", title="iCET talks")


def test_field_scope_takes_a_phrase_or_a_group():
    assert matches('title:"jet engine"', "", title="Jet engine deal")
    assert matches("title:(chip OR semiconductor)", "", title="Semiconductor plant")
    assert not matches("title:(chip OR semiconductor)", "A semiconductor plant", title="Plant")


def test_terms_match_across_fields_by_default():
    assert matches("iCET AND semiconductor", "A semiconductor plan", title="iCET talks")


# --- exact case ---------------------------------------------------------------------------------


def test_exact_case_term_needs_exactly_that_case():
    assert matches("=iCET", "the iCET review")
    assert not matches("=iCET", "the TS ICET exam")
    assert not matches("=iCET", "icet")


def test_exact_us_is_the_country_and_not_the_pronoun():
    assert matches("=US", "talks with the US")
    assert matches("=US", "talks with the U.S. today")
    assert not matches("=US", "he told us so")
    assert matches("us", "he told us so")  # without '=' the pronoun matches too


def test_exact_case_ignores_dots_and_apostrophes_like_any_term():
    assert matches("=ONeil", "Mr O'Neil's plan")
    assert matches("=USA", "the U.S.A. team")
    assert not matches("=ONeil", "Mr O'neil's plan")


def test_exact_case_phrase():
    assert matches('="TRUST initiative"', "the TRUST initiative")
    assert not matches('="TRUST initiative"', "the trust initiative")


# --- context rules ------------------------------------------------------------------------------


def test_with_keeps_an_alias_only_near_a_context_word():
    query = "ICET WITH(India, technology, within=5)"
    assert matches(query, "The ICET review with India")
    assert not matches(query, "The ICET result is out. Candidates can check it on the website now")


def test_except_drops_an_alias_inside_an_excluding_context():
    query = "ICET EXCEPT(exam, counselling, =TS, within=3)"
    assert not matches(query, "TS ICET counselling begins")
    assert matches(query, "The ICET review meeting was held")


def test_except_counts_a_context_phrase_that_overlaps_the_term():
    assert not matches('ICET EXCEPT("TS ICET")', "TS ICET results")


def test_context_default_distance_is_ten_words():
    query = "ICET EXCEPT(exam)"
    assert not matches(query, "ICET " + "word " * 9 + "exam")
    assert matches(query, "ICET " + "word " * 11 + "exam")


def test_with_and_except_chain():
    query = "ICET WITH(India, within=5) EXCEPT(exam, within=5)"
    assert matches(query, "India ICET review")
    assert not matches(query, "India ICET exam")
    assert not matches(query, "ICET review")


def test_context_words_are_conditions_not_hits():
    assert terms("iCET WITH(India)", "India iCET talks") == ["iCET"]


def test_one_place_can_pass_while_another_is_excluded():
    text = "TS ICET exam results are out. " + "Meanwhile " * 20 + "the ICET review with India went well."
    assert terms("ICET EXCEPT(exam, within=5)", text) == ["ICET"]


# --- Unicode ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "India-US talks",
        "India\u2013US talks",
        "India\u2014US talks",
        "India\u2011US talks",
        "India US talks",
        "India-U.S. talks",
        "INDIA-US TALKS",
    ],
)
def test_dash_variants_and_dotted_us_match_a_spaced_phrase(text):
    assert matches('"India US"', text)


@pytest.mark.parametrize("text", ["US-India ties", "U.S.-India ties", "U.S.\u2013India ties"])
def test_us_india_in_any_spelling(text):
    assert matches('"US India"', text)


def test_indo_us_is_its_own_phrase():
    assert matches('"Indo US"', "Indo-US quantum mechanism")


def test_curly_quotes_and_apostrophes_fold_to_straight_ones():
    assert matches("\u201cjet engine\u201d", "the \u2018jet engine\u2019 deal")
    assert matches("India's", "India\u2019s chip plan")
    assert matches("india", "India\u2019s chip plan")  # the possessive 's is dropped


def test_accents_are_ignored_case_insensitively():
    assert matches("nestle", "Nestl\u00e9 shares")
    assert matches("=Nestle", "Nestl\u00e9 shares")


def test_compatibility_forms_are_normalised():
    assert matches("icet", "\uff29\uff23\uff25\uff34 talks")  # fullwidth letters
    assert matches("semiconductor", "semi\u00adconductor")  # soft hyphen


def test_devanagari_words_keep_their_vowel_signs():
    text = "\u092d\u093e\u0930\u0924-\u0905\u092e\u0947\u0930\u093f\u0915\u093e iCET \u092c\u0948\u0920\u0915"
    assert matches('"\u092d\u093e\u0930\u0924 \u0905\u092e\u0947\u0930\u093f\u0915\u093e"', text)
    assert not matches("\u0905\u092e", text)


@pytest.mark.parametrize("text", ["भारत खरीदेगा 31 एमक्यू-9बी ड्रोन", "भारत खरीदेगा ३१ एमक्यू-९बी ड्रोन"])
def test_devanagari_digits_match_the_same_figures_written_in_ascii(text):
    # Hindi outlets write figures in either set of digits; a topic written with one finds both.
    assert matches('"एमक्यू 9बी"', text) and matches('"31 एमक्यू"', text)
    assert matches('"एमक्यू ९बी"', text)
    assert not matches('"एमक्यू 8बी"', text)


@pytest.mark.parametrize("written", ["फ्रेमवर्क", "फ़्रेमवर्क", "\u095e\u094d\u0930\u0947\u092e\u0935\u0930\u094d\u0915"])
def test_devanagari_nukta_is_ignored_like_an_accent(written):
    # Hindi outlets write framework with and without the nukta, decomposed or precomposed.
    assert matches("फ्रेमवर्क", f"रक्षा {written} पर हस्ताक्षर")
    assert matches("फ़्रेमवर्क", f"रक्षा {written} पर हस्ताक्षर")


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, position, message",
    [
        ("(india OR us", 12, "expected ')'"),
        ("india AND", 9, "expected a term after AND"),
        ("india OR )", 9, "expected a term after OR"),
        ("NOT", 3, "expected a term after NOT"),
        ("india )", 6, "unexpected ')'"),
        ('india "jet engine', 6, "unterminated phrase"),
        ("india NEAR us", 6, "NEAR/n"),
        ("(a AND b) NEAR/3 c", 10, "NEAR joins"),
        ("body:india", 0, "unknown field 'body'"),
        ("title:", 6, "expected a term, phrase or '(' after 'title:'"),
        ("tech*nology", 4, "'*' is only allowed at the end"),
        ("ICET WITH()", 5, "needs at least one term"),
        ("ICET WITH(india, within=5 us)", 26, "expected ')' after within=N"),
        ("(a AND b) WITH(c)", 10, "WITH applies to terms"),
        ("ICET WITH(NOT exam)", 10, "WITH(...) takes terms"),
        ("india^", 6, "positive number after '^'"),
        ("-cricket", 0, "write NOT"),
        ("", 0, "empty query"),
        ("  # only a comment", 0, "empty query"),
    ],
)
def test_bad_query_reports_what_and_where(query, position, message):
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert message in caught.value.message
    assert str(caught.value).startswith(f"line 1, column {position + 1}: ")


def test_query_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_query("(")


# --- documents, hits, snippets ------------------------------------------------------------------


def test_one_document_serves_many_queries():
    doc = Document.from_article(article("iCET talks", "Doval met Sullivan on semiconductors."))
    assert parse_query("=iCET").evaluate(doc)
    assert parse_query("Doval NEAR/3 Sullivan").evaluate(doc)
    assert parse_query("cricket").evaluate(doc) is None
    assert parse_query("=iCET").evaluate(doc)


def test_hits_say_where_each_term_matched():
    hits = parse_query("iCET OR semiconductor*").evaluate(Document("iCET talks", "Talks on semiconductors."))
    assert [(h.term, h.field) for h in hits] == [("iCET", "title"), ("semiconductor*", "text")]


def test_snippet_shows_about_120_characters_around_the_hit():
    text = "Filler words here. " * 20 + "The iCET review was held in Delhi. " + "More filler text. " * 20
    [hit] = parse_query("=iCET").evaluate(Document("", text))
    assert "iCET review" in hit.snippet
    assert hit.snippet.startswith("\u2026") and hit.snippet.endswith("\u2026")
    assert 100 <= len(hit.snippet) <= 125


def test_snippet_collapses_whitespace_and_keeps_short_text_whole():
    [hit] = parse_query("iCET").evaluate(Document("", "The   iCET\n\nreview"))
    assert hit.snippet == "The iCET review"


# --- topics and scores --------------------------------------------------------------------------


def test_bad_topic_query_names_the_topic_and_the_position():
    with pytest.raises(TopicError) as caught:
        compile_topics([TopicSpec(name="chips", query="(chip OR semiconductor")])
    assert caught.value.topic == "chips"
    assert caught.value.position == 22
    assert "chips" in str(caught.value) and "line 1, column 23" in str(caught.value)


def test_term_in_the_title_is_on_topic():
    [found] = match(article("Semiconductor plant opens", "A plant opened."), [TopicSpec("chips", "semiconductor")])
    assert found.topic == "chips" and found.score >= 1.0
    assert found.terms == ["semiconductor"]


def test_single_mention_deep_in_a_long_article_is_below_the_default_bar():
    text = "Unrelated news words. " * 100 + "A semiconductor was mentioned."
    assert match(article("Local news", text), [TopicSpec("chips", "semiconductor")]) == []


def test_boost_lets_a_decisive_name_count_anywhere():
    text = "Unrelated news words. " * 100 + "It builds on the iCET."
    [found] = match(article("Local news", text), [TopicSpec("icet", "=iCET^4")])
    assert found.score >= 1.0


def test_title_hit_outweighs_the_same_hit_deep_in_the_body():
    deep = "Unrelated news words. " * 60 + "semiconductor"
    topic = [TopicSpec("chips", "semiconductor", min_score=0.0)]
    in_title = match(article("semiconductor", "Unrelated news words."), topic)[0].score
    in_body = match(article("News", deep), topic)[0].score
    assert in_title > in_body


def test_distinct_terms_count_more_than_repeats():
    topic = [TopicSpec("chips", "semiconductor OR quantum OR telecom", min_score=0.0)]
    repeated = match(article("News", "semiconductor semiconductor semiconductor"), topic)[0].score
    distinct = match(article("News", "semiconductor quantum telecom"), topic)[0].score
    assert distinct > repeated


def test_each_matched_term_gets_one_hit_with_a_snippet():
    [found] = match(
        article("iCET talks", "The iCET review covered chips and chips."), [TopicSpec("icet", "=iCET OR chips")]
    )
    assert found.terms == ["iCET", "chips"]
    assert all(hit.snippet for hit in found.hits)


def test_score_of_occurrences_matches_the_topic_score():
    doc = Document("iCET talks", "The iCET review covered chips.")
    query = parse_query("=iCET OR chips")
    [found] = match(article("iCET talks", "The iCET review covered chips."), [TopicSpec("t", "=iCET OR chips")])
    assert round(score(query.locate(doc)), 3) == found.score


def test_plain_topic_specs_are_compiled_once_and_matched():
    spec = TopicSpec("chips", "semiconductor")
    first = match(article("Semiconductor news", ""), [spec])
    second = match(article("Semiconductor news", ""), [spec])
    assert first == second and first[0].topic == "chips"


# --- depth and where an error is ----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "(" * 200 + "india" + ")" * 200,
        "title:(" * 150 + "india" + ")" * 150,
        "india" + " WITH(us" * 400 + ")" * 400,
        "NOT " * 1000 + "india",
        "india" + " NEAR/3 us" * 1000,
        "india" + " ^2" * 1000,
        "india" + " EXCEPT(cricket)" * 1000,
    ],
    ids=["brackets", "title-scopes", "with", "nots", "near-chain", "boosts", "excepts"],
)
def test_a_query_nested_too_deeply_is_a_query_error_naming_the_spot(query):
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert "nests too deeply" in caught.value.message
    assert 0 < caught.value.position < len(query)
    assert str(caught.value).startswith(f"line 1, column {caught.value.position + 1}: ")


def test_a_real_topic_is_far_from_the_depth_limit():
    from newswatch.domain.query import MAX_DEPTH
    from newswatch.domain.topics import ICET

    assert parse_query(ICET.query).root.depth <= MAX_DEPTH // 3


def test_an_error_in_a_long_query_names_its_line_and_column_and_points_at_the_spot():
    query = 'iCET OR TRUST\n  OR ("jet engine*" NEAR/10 HAL)\n  OR (INDUS-X AND defence\n  OR cricket'
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    error = caught.value
    assert (error.line, error.column) == (4, 13)
    assert str(error) == "line 4, column 13: expected ')'"
    assert error.excerpt() == "      OR cricket\n                ^"
