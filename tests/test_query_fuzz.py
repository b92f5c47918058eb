"""Fuzzing the query parser: whatever text a user writes as a topic query, parsing it either
works or raises QueryError, the program's own error with a line, a column and an excerpt; never
another exception (a RecursionError, an IndexError...). A query that parses can be matched."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswatch.domain.query import Document, QueryError, parse_query

# The pieces the language is made of, so that the fuzzer reaches deep into the grammar, plus
# anything at all between them.
PIECES = st.sampled_from(
    [
        "(",
        ")",
        '"',
        "=",
        "*",
        "^2",
        "^",
        ",",
        " AND ",
        " OR ",
        " NOT ",
        " NEAR/3 ",
        " NEAR/",
        " WITH(",
        " EXCEPT(",
        "within=5",
        "within=",
        "title:",
        "text:",
        "body:",
        "India",
        "U.S.",
        "jet engine*",
        "iCET",
        "#comment\n",
        "\n",
        " ",
        "-",
        "\u2019",
        "\u201c",
        "\ufeff",
        "\x00",
    ]
)
QUERIES = st.one_of(
    st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=60).map("".join),
    st.text(max_size=200),
    st.integers(min_value=1, max_value=400).flatmap(
        lambda n: st.sampled_from(["(", "NOT ", "title:(", "a WITH(", "a NEAR/2 ", "a ^2 "]).map(lambda p: p * n + "a")
    ),
)
DOCUMENT = Document("India, US jet engine talks under iCET", "The U.S. and India agreed on jet engines. Cricket too.")


@settings(max_examples=1500, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUERIES)
def test_any_query_text_parses_or_raises_only_a_query_error(text):
    try:
        query = parse_query(text)
    except QueryError as error:
        assert error.message
        assert 0 <= error.position <= len(text)
        assert str(error).startswith(f"line {error.line}, column {error.column}: ")
        assert error.excerpt().count("\n") == 1
        return
    query.evaluate(DOCUMENT)
