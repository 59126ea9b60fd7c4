"""``compare_metadata`` / ``produce_migrations`` on real databases: what is found, and what not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from tests.autogenerate.models import rich_metadata

from tidal.autogenerate import compare_metadata, produce_migrations
from tidal.operations import ops
from tidal.runtime.migration import MigrationContext


@pytest.fixture
def conn(db_url: str) -> Iterator[sa.Connection]:
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _create(conn: sa.Connection, md: sa.MetaData) -> None:
    md.create_all(conn)
    conn.commit()


def _diffs(conn: sa.Connection, md: sa.MetaData, **opts: Any) -> list[Any]:
    return compare_metadata(MigrationContext.configure(connection=conn, opts=opts), md)


def test_no_false_differences_with_defaults_compared(conn: sa.Connection) -> None:
    md = rich_metadata(conn.dialect.name)
    _create(conn, md)
    assert _diffs(conn, rich_metadata(conn.dialect.name), compare_server_default=True) == []


def test_version_and_tidal_tables_are_ignored(conn: sa.Connection) -> None:
    conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.exec_driver_sql("CREATE TABLE tidal_history (id INTEGER)")
    conn.exec_driver_sql("CREATE TABLE my_version (version_num VARCHAR(32) NOT NULL)")
    conn.commit()
    kinds = {(d[0], d[1].name) for d in _diffs(conn, sa.MetaData(), version_table="my_version")}
    assert kinds == {("remove_table", "alembic_version")}


@pytest.mark.parametrize(
    ("old", "new"),
    [("'x'", "y"), (None, "z"), ("'x'", None)],
)
def test_server_default_changes_when_compared(
    conn: sa.Connection, old: str | None, new: str | None
) -> None:
    before = sa.MetaData()
    sa.Table(
        "t",
        before,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("v", sa.String(10), server_default=sa.text(old) if old else None),
    )
    _create(conn, before)
    after = sa.MetaData()
    sa.Table(
        "t",
        after,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("v", sa.String(10), server_default=new),
    )
    assert _diffs(conn, after) == []  # off by default, as in Alembic
    (found,) = _diffs(conn, after, compare_server_default=True)
    assert [d[0] for d in found] == ["modify_default"]


def test_compare_type_off_and_callable(conn: sa.Connection) -> None:
    before = sa.MetaData()
    sa.Table(
        "t", before, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.String(10))
    )
    _create(conn, before)
    after = sa.MetaData()
    sa.Table(
        "t", after, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.String(20))
    )
    (found,) = _diffs(conn, after)
    assert [d[0] for d in found] == ["modify_type"]
    assert _diffs(conn, after, compare_type=False) == []
    seen: list[str] = []

    def hook(
        context: Any, inspected: Any, model: Any, inspected_type: Any, model_type: Any
    ) -> bool:
        seen.append(model.name)
        return False

    assert _diffs(conn, after, compare_type=hook) == []
    assert "v" in seen


def test_include_object_and_include_name(conn: sa.Connection) -> None:
    before = sa.MetaData()
    sa.Table("keep", before, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("skip_me", before, sa.Column("id", sa.Integer, primary_key=True))
    _create(conn, before)
    after = sa.MetaData()
    sa.Table(
        "keep", after, sa.Column("id", sa.Integer, primary_key=True), sa.Column("extra", sa.Integer)
    )

    def include_name(name: str | None, type_: str, parents: dict[str, Any]) -> bool:
        return not (type_ == "table" and name == "skip_me")

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
        return not (type_ == "column" and name == "extra")

    assert [d[0] for d in _diffs(conn, after)] == ["add_column", "remove_table"]
    assert _diffs(conn, after, include_name=include_name, include_object=include_object) == []


def test_new_tables_come_before_keys_to_them_and_drops_after(conn: sa.Connection) -> None:
    before = sa.MetaData()
    sa.Table("a_old", before, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "z_old",
        before,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a_id", sa.ForeignKey("a_old.id")),
    )
    _create(conn, before)
    after = sa.MetaData()
    sa.Table(
        "a_new",
        after,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("z_id", sa.ForeignKey("z_new.id")),
    )
    sa.Table("z_new", after, sa.Column("id", sa.Integer, primary_key=True))
    script = produce_migrations(MigrationContext.configure(connection=conn), after)
    names = [(type(op).__name__, getattr(op, "table_name", None)) for op in script.upgrade_ops.ops]
    assert names.index(("CreateTableOp", "z_new")) < names.index(("CreateTableOp", "a_new"))
    assert names.index(("DropTableOp", "z_old")) < names.index(("DropTableOp", "a_old"))
    assert all(isinstance(op, ops.MigrateOperation) for op in script.downgrade_ops.ops)
    down = [getattr(op, "table_name", None) for op in script.downgrade_ops.ops]
    assert down.index("a_old") < down.index("z_old")


def test_fk_dropped_before_the_table_it_points_at(conn: sa.Connection) -> None:
    before = sa.MetaData()
    sa.Table("target", before, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "src",
        before,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("t_id", sa.Integer, sa.ForeignKey("target.id", name="fk_src_target")),
    )
    _create(conn, before)
    after = sa.MetaData()
    sa.Table(
        "src", after, sa.Column("id", sa.Integer, primary_key=True), sa.Column("t_id", sa.Integer)
    )
    flat: list[str] = []
    for op in produce_migrations(
        MigrationContext.configure(connection=conn), after
    ).upgrade_ops.ops:
        inner = op.ops if isinstance(op, ops.ModifyTableOps) else [op]
        flat.extend(type(i).__name__ for i in inner)
    assert flat.index("DropConstraintOp") < flat.index("DropTableOp")


@pytest.mark.mariadb
def test_enum_values_are_a_type_change_on_mariadb(mariadb_url: str) -> None:
    engine = sa.create_engine(mariadb_url)
    before = sa.MetaData()
    sa.Table(
        "t",
        before,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("k", sa.Enum("a", "b")),
    )
    after = sa.MetaData()
    sa.Table(
        "t",
        after,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("k", sa.Enum("a", "b", "c")),
    )
    with engine.connect() as conn:
        _create(conn, before)
        assert _diffs(conn, before) == []
        (found,) = _diffs(conn, after)
        assert [d[0] for d in found] == ["modify_type"]
    engine.dispose()


def test_a_list_of_metadata_is_compared_as_one(conn: sa.Connection) -> None:
    one, two = sa.MetaData(), sa.MetaData()
    sa.Table("a", one, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("b", two, sa.Column("id", sa.Integer, primary_key=True))
    _create(conn, one)
    assert [(d[0], d[1].name) for d in _diffs(conn, [one, two])] == [("add_table", "b")]


@pytest.mark.postgresql
def test_schemas_of_the_models_and_include_schemas(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), schema="other")
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE SCHEMA other")
        conn.exec_driver_sql("CREATE SCHEMA third")
        conn.exec_driver_sql("CREATE TABLE third.stray (id INTEGER)")
        conn.commit()
        # The models' schemas are always compared, as Alembic does.
        (found,) = _diffs(conn, md)
        assert found[0] == "add_table" and found[1].schema == "other"
        md.create_all(conn)
        conn.commit()
        assert _diffs(conn, md) == []
        # include_schemas adds the database's other schemas.
        (gone,) = _diffs(conn, md, include_schemas=True)
        assert gone[0] == "remove_table" and (gone[1].schema, gone[1].name) == ("third", "stray")

        def include_name(name: str | None, type_: str, parents: dict[str, Any]) -> bool:
            return not (type_ == "schema" and name == "third")

        assert _diffs(conn, md, include_schemas=True, include_name=include_name) == []
    engine.dispose()
