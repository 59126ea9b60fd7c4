"""Schema items as Python source: columns, types, server defaults, constraints.

Alembic's spelling: ``sa.Column('id', sa.Integer(), nullable=False)``, names that a
naming convention made wrapped in ``op.f(...)``, dialect types with their module
prefix and an import added to the script.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import conv

from tidal.dialects.autogen import rules_for

__all__ = ["RenderOptions", "render_column", "render_constraint", "render_name", "render_type"]


class RenderOptions:
    """Prefixes, hooks and the import set of one rendering."""

    def __init__(self, opts: dict[str, Any], dialect: Any = None) -> None:
        self.sa_prefix = str(opts.get("sqlalchemy_module_prefix") or "sa.")
        self.op_prefix = str(opts.get("alembic_module_prefix") or "op.")
        self.user_prefix: str | None = opts.get("user_module_prefix")
        self.render_item: Callable[..., Any] | None = opts.get("render_item")
        self.as_batch = bool(opts.get("render_as_batch", False))
        self.dialect = dialect
        self.imports: set[str] = set()
        self.autogen_context: Any = None

    def hook(self, type_: str, obj: Any) -> str | None:
        """Return ``render_item``'s text for ``obj``, or None to render it ourselves."""
        if self.render_item is None:
            return None
        out = self.render_item(type_, obj, self.autogen_context)
        return None if out is False or out is None else str(out)


def render_name(name: Any, ro: RenderOptions) -> str:
    """Return a constraint or index name; ``op.f('...')`` for convention-made ones.

        Example:
            >>> from sqlalchemy.sql.elements import conv

    from tidal.dialects.autogen import rules_for
            >>> render_name(conv("ix_a_b"), RenderOptions({}))
            "op.f('ix_a_b')"
            >>> render_name(None, RenderOptions({}))
            'None'
    """
    if name is None:
        return "None"
    if isinstance(name, conv):
        return f"{ro.op_prefix}f({str(name)!r})"
    return repr(str(name))


def render_type(type_: Any, ro: RenderOptions) -> str:
    """Return a type's constructor with its module prefix (and note the import)."""
    hooked = ro.hook("type", type_)
    if hooked is not None:
        return hooked
    module = type(type_).__module__
    text = repr(type_)
    for inner in _inner_types(type_):
        # ARRAY(Integer()), JSONB(astext_type=Text()): inner types get their prefix too
        text = text.replace(repr(inner), render_type(inner, ro), 1)
    if module.startswith("sqlalchemy.dialects."):
        name = module.split(".")[2]
        ro.imports.add(f"from sqlalchemy.dialects import {name}")
        return f"{name}.{text}"
    if module.startswith("sqlalchemy."):
        return ro.sa_prefix + text
    if ro.user_prefix is not None:
        return ro.user_prefix + text
    ro.imports.add(f"import {module}")
    return f"{module}.{text}"


def _inner_types(type_: Any) -> list[Any]:
    """Return the types a type's constructor arguments hold (as its repr shows them)."""
    try:
        params = inspect.signature(type(type_).__init__).parameters
    except (TypeError, ValueError):
        return []
    found = []
    for name in params:
        value = getattr(type_, name, None) if name != "self" else None
        if isinstance(value, sa.types.TypeEngine):
            found.append(value)
    return found


def render_server_default(
    default: Any, ro: RenderOptions, column: sa.Column[Any] | None = None
) -> str | None:
    """Return a server default as Alembic writes it (a string, or ``sa.text(...)``)."""
    if default is None:
        return None
    if isinstance(default, sa.DefaultClause):
        arg = default.arg
        if isinstance(arg, str):
            return repr(arg)
        if isinstance(arg, sa.TextClause):
            return f"{ro.sa_prefix}text({arg.text!r})"
        if ro.dialect is not None and column is not None and column.table is not None:
            ddl = ro.dialect.ddl_compiler(ro.dialect, None)
            text = rules_for(ro.dialect.name).expression_default(
                str(ddl.get_column_default_string(column))
            )
            return f"{ro.sa_prefix}text({text!r})"
        if ro.dialect is not None:
            compiled = str(arg.compile(dialect=ro.dialect, compile_kwargs={"literal_binds": True}))
            return f"{ro.sa_prefix}text({compiled!r})"
        return f"{ro.sa_prefix}text({str(arg)!r})"
    if isinstance(default, str):
        return repr(default)
    return None


def render_column(col: sa.Column[Any], ro: RenderOptions) -> str:
    """Return ``sa.Column(...)`` for ``col``."""
    hooked = ro.hook("column", col)
    if hooked is not None:
        return hooked
    args = [repr(col.name), render_type(col.type, ro)]
    if col.computed is not None:
        persisted = col.computed.persisted
        extra = "" if persisted is None else f", persisted={persisted!r}"
        args.append(f"{ro.sa_prefix}Computed({str(col.computed.sqltext)!r}{extra})")
    if col.identity is not None:
        args.append(_identity(col.identity, ro))
    kw: list[str] = []
    if isinstance(col.autoincrement, bool) and not col.identity:
        kw.append(f"autoincrement={col.autoincrement!r}")
    default = (
        None if col.computed is not None else render_server_default(col.server_default, ro, col)
    )
    if default is not None:
        kw.append(f"server_default={default}")
    kw.append(f"nullable={bool(col.nullable)!r}")
    if col.comment:
        kw.append(f"comment={col.comment!r}")
    return f"{ro.sa_prefix}Column({', '.join(args + kw)})"


def _identity(identity: sa.Identity, ro: RenderOptions) -> str:
    kw = []
    for attr in ("always", "on_null", "start", "increment", "minvalue", "maxvalue", "cycle"):
        value = getattr(identity, attr, None)
        if value is not None:
            kw.append(f"{attr}={value!r}")
    return f"{ro.sa_prefix}Identity({', '.join(kw)})"


def _cols(names: Any) -> str:
    return "[" + ", ".join(repr(str(n)) for n in names) + "]"


def render_constraint(const: sa.Constraint, ro: RenderOptions) -> str | None:
    """Return a table-level constraint inside ``create_table`` (None: not rendered)."""
    hooked = ro.hook(type(const).__name__.lower(), const)
    if hooked is not None:
        return hooked
    named = [] if const.name is None else [f"name={render_name(const.name, ro)}"]
    if isinstance(const, sa.PrimaryKeyConstraint):
        if not const.columns:
            return None
        cols = ", ".join(repr(c.name) for c in const.columns)
        return f"{ro.sa_prefix}PrimaryKeyConstraint({', '.join([cols, *named])})"
    if isinstance(const, sa.ForeignKeyConstraint):
        refs = [e.target_fullname for e in const.elements]
        kw = named + _fk_options(const)
        args = [_cols(const.column_keys), _cols(refs), *kw]
        # Alembic writes "[...], [...], )" when the key has no options; so do we.
        tail = "" if kw else ", "
        return f"{ro.sa_prefix}ForeignKeyConstraint({', '.join(args)}{tail})"
    if isinstance(const, sa.UniqueConstraint):
        cols = ", ".join(repr(c.name) for c in const.columns)
        return f"{ro.sa_prefix}UniqueConstraint({', '.join([cols, *named])})"
    if isinstance(const, sa.CheckConstraint):
        if getattr(const, "_type_bound", False) or getattr(const, "_create_rule", None):
            return None  # made by a type (Boolean, Enum): the type renders it
        text = str(const.sqltext.compile(compile_kwargs={"literal_binds": True}))
        return f"{ro.sa_prefix}CheckConstraint({', '.join([repr(text), *named])})"
    return None


def _fk_options(const: sa.ForeignKeyConstraint) -> list[str]:
    out = []
    for attr in ("onupdate", "ondelete", "initially", "deferrable", "match"):
        value = getattr(const, attr)
        if value is not None:
            out.append(f"{attr}={value!r}")
    if const.use_alter:
        out.append("use_alter=True")
    return out
