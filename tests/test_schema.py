"""The read-only commands' Core tables (db/reading.py) name columns the migrated database has, with
the models' types: a column renamed in a migration must not leave `articles` or `show` broken."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from newswatch.db import models, reading
from newswatch.db.session import open_engine


def test_read_path_columns_exist_in_the_migrated_database_with_the_models_types(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path}/n.db")
    inspector = inspect(engine)
    for light, model in ((reading.articles, models.Article.__table__), (reading.matches, models.TopicMatch.__table__)):
        stored = {column["name"] for column in inspector.get_columns(light.name)}
        for column in light.c:
            assert column.name in stored, f"{light.name}.{column.name} is not in the database"
            assert type(column.type) is type(model.c[column.name].type) or (
                column.type._type_affinity is model.c[column.name].type._type_affinity
            ), f"{light.name}.{column.name}: {column.type!r} vs {model.c[column.name].type!r}"


# SQLite can't reflect the expression index (ix_articles_newest), so it is left out of the comparison.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_models_agree_with_the_migrated_database(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = open_engine(f"sqlite:///{tmp_path}/n.db")
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), models.Base.metadata)
    # The full-text table and its triggers are made by the migrations alone (db/fulltext.py).
    differences = [d for d in differences if not (d[0] == "remove_table" and d[1].name.startswith("articles_fts"))]
    assert differences == []
