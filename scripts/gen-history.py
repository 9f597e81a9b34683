#!/usr/bin/env python3
"""Write a long, realistic, valid migration history for benchmarks.

    scripts/gen-history.py --count N --layout diesel|golang-migrate --out DIR [--seed S]

Each migration does one to three things an application team does: create and
drop tables, add, drop, rename and retype columns, indexes (some built
CONCURRENTLY), unique, check and foreign-key constraints, NOT NULL with a
backfill, comments, enum types and ADD VALUE, views, functions and triggers,
renamed tables, data updates.

The generator keeps a model of the schema it has written, so every up script
is valid PostgreSQL (15 and later) when the ups are applied in order to an
empty database: it never touches what does not exist, never reuses a name
still taken, and never alters a column a view depends on. The number of live
tables is bounded, so the schema stays about the same size however long the
history is. Output is a function of (count, layout, seed) only.

Down scripts are best-effort reversals for parsers and benchmarks; they are
not checked against a server (an enum value cannot be removed, a dropped
table comes back without its indexes).

Standard library only.
"""

import argparse
import datetime
import os
import random
import sys

NOUNS = [
    "account", "invoice", "shipment", "warehouse", "supplier", "product",
    "payment", "refund", "coupon", "voucher", "ticket", "venue", "artist",
    "booking", "seat", "member", "subscription", "plan", "device", "session",
    "message", "thread", "attachment", "label", "project", "milestone",
    "task", "sprint", "release", "deployment", "region", "store", "basket",
    "receipt", "carrier", "parcel", "route", "driver", "vehicle", "claim",
]
# Column names and the types a developer would give them.
COLUMN_WORDS = {
    "amount": ["numeric(12,2)", "integer"], "note": ["text"],
    "title": ["varchar(255)", "text"], "summary": ["text"],
    "reference": ["varchar(64)"], "code": ["varchar(64)", "text"],
    "quantity": ["integer", "smallint"], "weight": ["numeric(12,2)"],
    "score": ["smallint", "integer"], "priority": ["smallint"],
    "status_text": ["varchar(64)"], "external_id": ["uuid", "varchar(64)"],
    "email": ["varchar(255)", "text"], "phone": ["varchar(64)"],
    "city": ["text", "varchar(255)"], "country": ["varchar(64)"],
    "postcode": ["varchar(64)"], "starts_at": ["timestamptz", "timestamp"],
    "ends_at": ["timestamptz", "timestamp"], "expires_on": ["date"],
    "approved": ["boolean"], "archived": ["boolean"], "payload": ["jsonb"],
    "metadata": ["jsonb"], "token": ["uuid", "text"], "rank": ["integer"],
    "discount": ["numeric(12,2)", "smallint"], "balance": ["numeric(12,2)", "bigint"],
    "color": ["varchar(64)"], "slug": ["varchar(255)"], "locale": ["varchar(64)"],
    "source": ["text"], "channel": ["varchar(64)"], "visits": ["integer", "bigint"],
    "published_on": ["date"], "last_seen_at": ["timestamptz"],
}
ENUM_VALUES = [
    "draft", "pending", "active", "paused", "cancelled", "archived",
    "failed", "refunded", "expired", "review", "blocked", "closed",
]
# Type changes a team makes to an existing column (always valid on any data
# the column could hold, since this history never inserts rows).
WIDEN = {
    "smallint": "integer",
    "integer": "bigint",
    "varchar(64)": "varchar(255)",
    "varchar(255)": "text",
    "numeric(12,2)": "numeric(18,2)",
    "timestamp": "timestamptz",
}
DEFAULTS = {
    "integer": "0", "bigint": "0", "smallint": "0", "text": "''",
    "varchar(64)": "''", "varchar(255)": "''", "boolean": "false",
    "numeric(12,2)": "0", "numeric(18,2)": "0", "timestamptz": "now()",
    "timestamp": "LOCALTIMESTAMP", "date": "CURRENT_DATE",
    "jsonb": "'{}'::jsonb", "uuid": "gen_random_uuid()",
}
NUMERIC = {"integer", "bigint", "smallint", "numeric(12,2)", "numeric(18,2)"}
TEXTUAL = {"text", "varchar(64)", "varchar(255)"}

MAX_TABLES = 30
MAX_COLUMNS = 14


class Column:
    def __init__(self, name, type_, nullable=True, default=None):
        self.name = name
        self.type = type_
        self.nullable = nullable
        self.default = default
        self.locks = 0  # views, foreign keys, triggers that depend on it
        self.enum = None

    def ddl(self):
        s = f"{self.name} {self.type}"
        if self.default is not None:
            s += f" DEFAULT {self.default}"
        if not self.nullable:
            s += " NOT NULL"
        return s


class Table:
    def __init__(self, name, pk_type):
        self.name = name
        self.pk_type = pk_type  # "serial" or "identity"
        self.columns = {}  # name -> Column, in order
        self.indexes = {}  # index name -> column names (incl. unique constraints)
        self.uniques = set()  # index names that are unique constraints
        self.constraints = {}  # check / fk name -> column names
        self.fks = {}  # fk name -> referenced Table
        self.views = set()  # view names
        self.owned = set()  # names in the relation namespace besides the table

    def id_type(self):
        return "integer" if self.pk_type == "serial" else "bigint"


class Schema:
    def __init__(self, rng):
        self.rng = rng
        self.tables = {}  # name -> Table
        self.views = {}  # name -> (Table, [column names])
        self.enums = {}  # name -> [values]
        self.enum_uses = {}  # name -> count of columns
        self.functions = {}  # name -> signature for DROP
        self.names = set()  # every taken name: relations, types, functions
        self.counter = 0

    def fresh(self, base):
        """A free name starting with `base` (at most 63 bytes)."""
        base = base[:50]
        if base not in self.names:
            return base
        while True:
            self.counter += 1
            name = f"{base}_{self.counter}"
            if name not in self.names:
                return name

    def take(self, name):
        assert name not in self.names, name
        self.names.add(name)

    def free(self, name):
        self.names.discard(name)


def literal(type_):
    return DEFAULTS[type_]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.s = Schema(self.rng)

    # ---- helpers ---------------------------------------------------------

    def pick_table(self, pred=lambda t: True):
        ts = [t for t in self.s.tables.values() if pred(t)]
        return self.rng.choice(ts) if ts else None

    def free_columns(self, t, pred=lambda c: True):
        return [c for c in t.columns.values() if c.name != "id" and c.locks == 0 and pred(c)]

    def new_column(self, t):
        base = self.rng.choice(sorted(COLUMN_WORDS))
        name = base
        n = 2
        while name in t.columns:
            name = f"{base}_{n}"
            n += 1
        type_ = self.rng.choice(COLUMN_WORDS[base])
        if self.rng.random() < 0.35:
            return Column(name, type_, nullable=False, default=literal(type_))
        return Column(name, type_)

    # ---- operations: each returns (name, up statements, down statements) --

    def create_table(self):
        s = self.s
        while True:
            base = self.rng.choice(NOUNS) + "s"
            name = s.fresh(base)
            extra = [f"{name}_pkey", f"{name}_id_seq"]
            if not any(e in s.names for e in extra):
                break
            s.counter += 1
        t = Table(name, self.rng.choice(["serial", "identity"]))
        s.take(name)
        for e in extra:
            s.take(e)
        t.owned.update(extra)
        pk = "id serial PRIMARY KEY" if t.pk_type == "serial" else \
            "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        lines = [pk]
        fk_stmt = []
        for _ in range(self.rng.randint(2, 6)):
            c = self.new_column(t)
            t.columns[c.name] = c
            lines.append(c.ddl())
        t.columns = {"id": Column("id", t.id_type(), nullable=False), **t.columns}
        t.columns["id"].locks = 1
        created = Column("created_at", "timestamptz", nullable=False, default="now()")
        created.locks = 1  # every view filters on it
        t.columns["created_at"] = created
        lines.append(created.ddl())
        ref = self.pick_table()
        if ref is not None and self.rng.random() < 0.5:
            col = Column(f"{ref.name}_id"[:60], ref.id_type(), nullable=False)
            if col.name not in t.columns:
                col.locks += 1
                t.columns[col.name] = col
                lines.append(f"{col.ddl()} REFERENCES {ref.name} (id)")
                fk = f"{name}_{col.name}_fkey"[:63]
                t.constraints[fk] = [col.name]
                t.fks[fk] = ref
                idx = s.fresh(f"{name}_{col.name}_idx"[:63])
                s.take(idx)
                t.indexes[idx] = [col.name]
                t.owned.add(idx)
                fk_stmt.append(f"CREATE INDEX {idx} ON {name} ({col.name});")
        s.tables[name] = t
        body = ",\n    ".join(lines)
        up = [f"CREATE TABLE {name} (\n    {body}\n);"] + fk_stmt
        if self.rng.random() < 0.4:
            up.append(f"COMMENT ON TABLE {name} IS 'One row per {name[:-1]}.';")
        return f"create_{name}", up, [f"DROP TABLE {name};"]

    def drop_table(self):
        s = self.s
        # The oldest tables go first, as in a real app retiring features.
        t = next(iter(s.tables.values()), None)
        if t is None:
            return None
        up, down = [], []
        for v in sorted(t.views):
            up.append(f"DROP VIEW {v};")
            self._forget_view(v)
        for other in s.tables.values():
            for fk, ref in list(other.fks.items()):
                if ref is t and other is not t:
                    up.append(f"ALTER TABLE {other.name} DROP CONSTRAINT {fk};")
                    self._forget_constraint(other, fk)
        up.append(f"DROP TABLE {t.name};")
        cols = ",\n    ".join(c.ddl() for c in t.columns.values() if c.name != "id")
        pk = "id serial PRIMARY KEY" if t.pk_type == "serial" else \
            "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
        down.append(f"CREATE TABLE {t.name} (\n    {pk},\n    {cols}\n);")
        for c in t.columns.values():
            if c.enum:
                s.enum_uses[c.enum] -= 1
        for fk in list(t.fks):
            self._forget_constraint(t, fk)
        del s.tables[t.name]
        s.free(t.name)
        for n in t.owned:
            s.free(n)
        return f"drop_{t.name}", up, down

    def _forget_view(self, v):
        t, cols = self.s.views.pop(v)
        for c in cols:
            t.columns[c].locks -= 1
        t.views.discard(v)
        self.s.free(v)

    def _forget_constraint(self, t, name):
        cols = t.constraints.pop(name)
        if name in t.fks:
            del t.fks[name]
            for c in cols:
                t.columns[c].locks -= 1

    def rename_table(self):
        t = self.pick_table()
        if t is None:
            return None
        s = self.s
        new = s.fresh(t.name.rstrip("s") + "_records")
        if new in s.names:
            return None
        s.free(t.name)
        s.take(new)
        del s.tables[t.name]
        old = t.name
        t.name = new
        s.tables[new] = t
        return (f"rename_{old}_to_{new}", [f"ALTER TABLE {old} RENAME TO {new};"],
                [f"ALTER TABLE {new} RENAME TO {old};"])

    def add_column(self):
        t = self.pick_table(lambda t: len(t.columns) < MAX_COLUMNS)
        if t is None:
            return None
        c = self.new_column(t)
        t.columns[c.name] = c
        up = [f"ALTER TABLE {t.name} ADD COLUMN {c.ddl()};"]
        if self.rng.random() < 0.3:
            up.append(f"COMMENT ON COLUMN {t.name}.{c.name} IS "
                      f"'{c.name.replace('_', ' ').capitalize()} of the {t.name[:-1]}.';")
        return (f"add_{t.name}_{c.name}", up,
                [f"ALTER TABLE {t.name} DROP COLUMN {c.name};"])

    def drop_column(self):
        t = self.pick_table(lambda t: self.free_columns(t, lambda c: c.name != "created_at"))
        if t is None:
            return None
        c = self.rng.choice(self.free_columns(t, lambda c: c.name != "created_at"))
        # PostgreSQL drops the indexes and constraints on the column with it.
        for idx, cols in list(t.indexes.items()):
            if c.name in cols:
                del t.indexes[idx]
                t.uniques.discard(idx)
                t.owned.discard(idx)
                self.s.free(idx)
        for con, cols in list(t.constraints.items()):
            if c.name in cols:
                self._forget_constraint(t, con)
        if c.enum:
            self.s.enum_uses[c.enum] -= 1
        del t.columns[c.name]
        return (f"drop_{t.name}_{c.name}", [f"ALTER TABLE {t.name} DROP COLUMN {c.name};"],
                [f"ALTER TABLE {t.name} ADD COLUMN {c.ddl()};"])

    def rename_column(self):
        t = self.pick_table(lambda t: self.free_columns(t))
        if t is None:
            return None
        c = self.rng.choice(self.free_columns(t))
        # A new name that fits the type, as a developer would pick.
        fitting = sorted(w for w, ts in COLUMN_WORDS.items() if c.type in ts and w != c.name)
        base = self.rng.choice(fitting or sorted(COLUMN_WORDS))
        new = base
        n = 2
        while new in t.columns:
            new = f"{base}_{n}"
            n += 1
        old = c.name
        t.columns = {(new if k == old else k): v for k, v in t.columns.items()}
        c.name = new
        for cols in list(t.indexes.values()) + list(t.constraints.values()):
            for i, k in enumerate(cols):
                if k == old:
                    cols[i] = new
        return (f"rename_{t.name}_{old}_to_{new}",
                [f"ALTER TABLE {t.name} RENAME COLUMN {old} TO {new};"],
                [f"ALTER TABLE {t.name} RENAME COLUMN {new} TO {old};"])

    def alter_type(self):
        t = self.pick_table(lambda t: self.free_columns(t, lambda c: c.type in WIDEN))
        if t is None:
            return None
        c = self.rng.choice(self.free_columns(t, lambda c: c.type in WIDEN))
        old, new = c.type, WIDEN[c.type]
        c.type = new
        return (f"change_{t.name}_{c.name}_to_{new.split('(')[0]}",
                [f"ALTER TABLE {t.name} ALTER COLUMN {c.name} TYPE {new};"],
                [f"ALTER TABLE {t.name} ALTER COLUMN {c.name} TYPE {old};"])

    def set_not_null(self):
        t = self.pick_table(lambda t: self.free_columns(t, lambda c: c.nullable))
        if t is None:
            return None
        c = self.rng.choice(self.free_columns(t, lambda c: c.nullable))
        c.nullable = False
        value = f"'{self.s.enums[c.enum][0]}'" if c.enum else literal(c.type)
        return (f"require_{t.name}_{c.name}",
                [f"UPDATE {t.name} SET {c.name} = {value} WHERE {c.name} IS NULL;",
                 f"ALTER TABLE {t.name} ALTER COLUMN {c.name} SET NOT NULL;"],
                [f"ALTER TABLE {t.name} ALTER COLUMN {c.name} DROP NOT NULL;"])

    def drop_not_null(self):
        t = self.pick_table(lambda t: self.free_columns(
            t, lambda c: not c.nullable and c.name != "created_at"))
        if t is None:
            return None
        c = self.rng.choice(self.free_columns(
            t, lambda c: not c.nullable and c.name != "created_at"))
        c.nullable = True
        return (f"allow_null_{t.name}_{c.name}",
                [f"ALTER TABLE {t.name} ALTER COLUMN {c.name} DROP NOT NULL;"],
                [f"ALTER TABLE {t.name} ALTER COLUMN {c.name} SET NOT NULL;"])

    def add_index(self, concurrently=False):
        t = self.pick_table(lambda t: len(t.indexes) < 6)
        if t is None:
            return None
        c = self.rng.choice([c for c in t.columns.values() if c.name != "id"])
        cols = [c.name]
        method = ""
        if c.type == "jsonb":
            method = " USING gin"
        else:
            others = [k for k, o in t.columns.items()
                      if k not in ("id", c.name) and o.type != "jsonb"]
            if others and self.rng.random() < 0.25:
                cols.append(self.rng.choice(others))
        name = self.s.fresh(f"{t.name}_{'_'.join(cols)}_idx"[:60])
        self.s.take(name)
        t.indexes[name] = cols
        t.owned.add(name)
        kw = "CONCURRENTLY " if concurrently else ""
        up = f"CREATE INDEX {kw}{name} ON {t.name}{method} ({', '.join(cols)});"
        return (f"index_{t.name}_{c.name}", [up], [f"DROP INDEX {kw}{name};"])

    def drop_index(self):
        t = self.pick_table(lambda t: any(i not in t.uniques for i in t.indexes))
        if t is None:
            return None
        name = self.rng.choice(sorted(i for i in t.indexes if i not in t.uniques))
        cols = t.indexes.pop(name)
        t.owned.discard(name)
        self.s.free(name)
        return (f"drop_index_{name}", [f"DROP INDEX {name};"],
                [f"CREATE INDEX {name} ON {t.name} ({', '.join(cols)});"])

    def add_unique(self):
        t = self.pick_table(lambda t: self.free_columns(t, lambda c: c.type != "jsonb"))
        if t is None:
            return None
        c = self.rng.choice(self.free_columns(t, lambda c: c.type != "jsonb"))
        name = self.s.fresh(f"{t.name}_{c.name}_key"[:60])
        self.s.take(name)
        t.indexes[name] = [c.name]
        t.uniques.add(name)
        t.owned.add(name)
        return (f"unique_{t.name}_{c.name}",
                [f"ALTER TABLE {t.name} ADD CONSTRAINT {name} UNIQUE ({c.name});"],
                [f"ALTER TABLE {t.name} DROP CONSTRAINT {name};"])

    def add_check(self):
        t = self.pick_table(lambda t: self.free_columns(
            t, lambda c: c.type in NUMERIC | TEXTUAL and not c.enum))
        if t is None:
            return None
        c = self.rng.choice(self.free_columns(
            t, lambda c: c.type in NUMERIC | TEXTUAL and not c.enum))
        base = f"{t.name}_{c.name}_check"[:55]
        name, n = base, 2
        while name in t.constraints:
            name, n = f"{base}{n}", n + 1
        expr = f"{c.name} >= 0" if c.type in NUMERIC else f"length({c.name}) <= 500"
        t.constraints[name] = [c.name]
        return (f"check_{t.name}_{c.name}",
                [f"ALTER TABLE {t.name} ADD CONSTRAINT {name} CHECK ({expr});"],
                [f"ALTER TABLE {t.name} DROP CONSTRAINT {name};"])

    def add_foreign_key(self):
        t = self.pick_table(lambda t: len(t.columns) < MAX_COLUMNS)
        ref = self.pick_table()
        if t is None or ref is None or ref is t:
            return None
        col = f"{ref.name}_id"[:60]
        if col in t.columns:
            return None
        c = Column(col, ref.id_type())
        c.locks = 1
        t.columns[col] = c
        base = f"{t.name}_{col}_fkey"[:55]
        name, n = base, 2
        while name in t.constraints:
            name, n = f"{base}{n}", n + 1
        t.constraints[name] = [col]
        t.fks[name] = ref
        up = [f"ALTER TABLE {t.name} ADD COLUMN {c.ddl()};"]
        if self.rng.random() < 0.4:
            up += [f"ALTER TABLE {t.name} ADD CONSTRAINT {name} FOREIGN KEY ({col}) "
                   f"REFERENCES {ref.name} (id) NOT VALID;",
                   f"ALTER TABLE {t.name} VALIDATE CONSTRAINT {name};"]
        else:
            on_delete = self.rng.choice(["", " ON DELETE CASCADE", " ON DELETE SET NULL"])
            up.append(f"ALTER TABLE {t.name} ADD CONSTRAINT {name} FOREIGN KEY ({col}) "
                      f"REFERENCES {ref.name} (id){on_delete};")
        return (f"link_{t.name}_to_{ref.name}", up,
                [f"ALTER TABLE {t.name} DROP CONSTRAINT {name};",
                 f"ALTER TABLE {t.name} DROP COLUMN {col};"])

    def create_enum(self):
        t = self.pick_table(lambda t: len(t.columns) < MAX_COLUMNS)
        if t is None:
            return None
        name = self.s.fresh(f"{t.name[:-1]}_state")
        self.s.take(name)
        values = self.rng.sample(ENUM_VALUES, 3)
        self.s.enums[name] = values
        self.s.enum_uses[name] = 1
        cname = "state"
        n = 2
        while cname in t.columns:
            cname, n = f"state_{n}", n + 1
        c = Column(cname, name, nullable=False, default=f"'{values[0]}'")
        c.enum = name
        t.columns[cname] = c
        vals = ", ".join(f"'{v}'" for v in values)
        return (f"add_{t.name}_{cname}",
                [f"CREATE TYPE {name} AS ENUM ({vals});",
                 f"ALTER TABLE {t.name} ADD COLUMN {c.ddl()};"],
                [f"ALTER TABLE {t.name} DROP COLUMN {cname};", f"DROP TYPE {name};"])

    def add_enum_value(self):
        names = sorted(e for e, v in self.s.enums.items() if len(v) < len(ENUM_VALUES))
        if not names:
            return None
        e = self.rng.choice(names)
        value = self.rng.choice([v for v in ENUM_VALUES if v not in self.s.enums[e]])
        self.s.enums[e].append(value)
        return (f"add_{e}_{value}", [f"ALTER TYPE {e} ADD VALUE '{value}';"],
                [f"-- PostgreSQL cannot remove enum value '{value}' from {e}."])

    def drop_enum(self):
        names = sorted(e for e, n in self.s.enum_uses.items() if n == 0)
        if not names:
            return None
        e = self.rng.choice(names)
        values = self.s.enums.pop(e)
        del self.s.enum_uses[e]
        self.s.free(e)
        vals = ", ".join(f"'{v}'" for v in values)
        return (f"drop_type_{e}", [f"DROP TYPE {e};"],
                [f"CREATE TYPE {e} AS ENUM ({vals});"])

    def create_view(self):
        t = self.pick_table(lambda t: len(t.columns) > 2 and len(t.views) < 2)
        if t is None:
            return None
        others = [k for k in t.columns if k != "id"]
        cols = ["id"] + self.rng.sample(others, min(len(others), self.rng.randint(1, 3)))
        name = self.s.fresh(f"recent_{t.name}")
        self.s.take(name)
        self.s.views[name] = (t, cols)
        t.views.add(name)
        for c in cols:
            t.columns[c].locks += 1
        up = [f"CREATE VIEW {name} AS\nSELECT {', '.join(cols)}\nFROM {t.name}\n"
              f"WHERE created_at > now() - interval '30 days';"]
        if self.rng.random() < 0.5:
            up.append(f"COMMENT ON VIEW {name} IS '{t.name.capitalize()} of the last 30 days.';")
        return f"create_view_{name}", up, [f"DROP VIEW {name};"]

    def drop_view(self):
        if not self.s.views:
            return None
        name = self.rng.choice(sorted(self.s.views))
        t, cols = self.s.views[name]
        self._forget_view(name)
        return (f"drop_view_{name}", [f"DROP VIEW {name};"],
                [f"CREATE VIEW {name} AS\nSELECT {', '.join(cols)}\nFROM {t.name}\n"
                 f"WHERE created_at > now() - interval '30 days';"])

    def create_function(self):
        name = self.s.fresh(f"{self.rng.choice(NOUNS)}_{self.rng.choice(['score', 'total', 'fee'])}")
        self.s.take(name)
        self.s.functions[name] = f"{name}(numeric, numeric)"
        body = self.rng.choice([
            "SELECT round(a * b, 2)",
            "SELECT greatest(a - b, 0)",
            "SELECT coalesce(a, 0) + coalesce(b, 0)",
        ])
        up = (f"CREATE FUNCTION {name}(a numeric, b numeric) RETURNS numeric\n"
              f"LANGUAGE sql IMMUTABLE AS $$ {body} $$;")
        return f"create_function_{name}", [up], [f"DROP FUNCTION {name}(numeric, numeric);"]

    def drop_function(self):
        if not self.s.functions:
            return None
        name = self.rng.choice(sorted(self.s.functions))
        sig = self.s.functions.pop(name)
        self.s.free(name)
        return (f"drop_function_{name}", [f"DROP FUNCTION {sig};"],
                [f"CREATE FUNCTION {name}(a numeric, b numeric) RETURNS numeric\n"
                 f"LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;"])

    def add_trigger(self):
        t = self.pick_table(lambda t: "updated_at" not in t.columns
                            and len(t.columns) < MAX_COLUMNS)
        if t is None:
            return None
        fn = self.s.fresh(f"{t.name}_touch")
        self.s.take(fn)
        self.s.functions[fn] = f"{fn}()"
        c = Column("updated_at", "timestamptz", nullable=False, default="now()")
        c.locks = 1  # the trigger writes it
        t.columns["updated_at"] = c
        trig = f"{t.name}_set_updated_at"[:63]
        up = [
            f"ALTER TABLE {t.name} ADD COLUMN {c.ddl()};",
            f"CREATE FUNCTION {fn}() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n"
            f"    NEW.updated_at := now();\n    RETURN NEW;\nEND;\n$$;",
            f"CREATE TRIGGER {trig}\n    BEFORE UPDATE ON {t.name}\n    FOR EACH ROW\n"
            f"    EXECUTE FUNCTION {fn}();",
        ]
        # The function outlives the trigger's table; keep it out of drop_function
        # while the trigger uses it by never listing trigger functions there.
        del self.s.functions[fn]
        return (f"add_{t.name}_updated_at", up,
                [f"DROP TRIGGER {trig} ON {t.name};", f"DROP FUNCTION {fn}();",
                 f"ALTER TABLE {t.name} DROP COLUMN updated_at;"])

    def data_update(self):
        t = self.pick_table(lambda t: self.free_columns(t, lambda c: c.nullable))
        if t is None:
            return None
        c = self.rng.choice(self.free_columns(t, lambda c: c.nullable))
        value = f"'{self.s.enums[c.enum][0]}'" if c.enum else literal(c.type)
        return (f"backfill_{t.name}_{c.name}",
                [f"UPDATE {t.name}\nSET {c.name} = {value}\n"
                 f"WHERE {c.name} IS NULL AND created_at < now() - interval '1 year';"],
                [f"-- Backfill of {t.name}.{c.name} is not undone."])

    def comment(self):
        t = self.pick_table()
        if t is None:
            return None
        c = self.rng.choice(list(t.columns))
        return (f"comment_{t.name}_{c}",
                [f"COMMENT ON COLUMN {t.name}.{c} IS 'See the {c.replace('_', ' ')} policy.';"],
                [f"COMMENT ON COLUMN {t.name}.{c} IS NULL;"])

    # ---- one migration -----------------------------------------------------

    OPS = [
        ("create_table", 10), ("add_column", 14), ("drop_column", 6),
        ("rename_column", 5), ("alter_type", 5), ("set_not_null", 4),
        ("drop_not_null", 2), ("add_index", 8), ("drop_index", 3),
        ("add_unique", 3), ("add_check", 4), ("add_foreign_key", 5),
        ("create_enum", 2), ("add_enum_value", 2), ("drop_enum", 1),
        ("create_view", 3), ("drop_view", 2), ("create_function", 2),
        ("drop_function", 1), ("add_trigger", 2), ("data_update", 4),
        ("comment", 4), ("rename_table", 1), ("drop_table", 3),
    ]

    def migration(self):
        """(name, up statements, down statements, run in a transaction)."""
        n_tables = len(self.s.tables)
        if n_tables < 3:
            return self._first_ok(["create_table"])
        if self.rng.random() < 0.04:
            r = self.add_index(concurrently=True)
            if r:
                return r[0] + "_concurrently", r[1], r[2], False
        if n_tables >= MAX_TABLES and self.rng.random() < 0.5:
            return self._first_ok(["drop_table"])
        ops, weights = zip(*self.OPS)
        names, ups, downs = [], [], []
        for _ in range(self.rng.choice([1, 1, 1, 2, 2, 3])):
            for _try in range(20):
                r = getattr(self, self.rng.choices(ops, weights)[0])()
                if r:
                    names.append(r[0])
                    ups += r[1]
                    downs = r[2] + downs
                    break
        if not names:
            return self._first_ok(["create_table"])
        return names[0], ups, downs, True

    def _first_ok(self, ops):
        for op in ops:
            r = getattr(self, op)()
            if r:
                return r[0], r[1], r[2], True
        raise RuntimeError("no operation possible")


def write(out, layout, index, when, name, up, down, in_tx):
    name = name[:60].strip("_")
    up_sql = "\n\n".join(up) + "\n"
    down_sql = "\n\n".join(down) + "\n"
    if layout == "diesel":
        d = os.path.join(out, f"{when.strftime('%Y-%m-%d-%H%M%S')}_{name}")
        os.makedirs(d)
        files = {"up.sql": up_sql, "down.sql": down_sql}
        if not in_tx:
            files["metadata.toml"] = "run_in_transaction = false\n"
    else:
        stem = f"{when.strftime('%Y%m%d%H%M%S')}_{name}"
        d = out
        files = {f"{stem}.up.sql": up_sql, f"{stem}.down.sql": down_sql}
    for f, text in files.items():
        with open(os.path.join(d, f), "w", encoding="utf-8") as fh:
            fh.write(text)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--layout", choices=["diesel", "golang-migrate"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    if a.count < 1:
        p.error("--count must be at least 1")
    if os.path.exists(a.out) and os.listdir(a.out):
        p.error(f"{a.out} exists and is not empty")
    os.makedirs(a.out, exist_ok=True)

    g = Generator(a.seed)
    when = datetime.datetime(2020, 1, 1, 9, 0, 0)
    for i in range(a.count):
        when += datetime.timedelta(minutes=g.rng.randint(1, 60 * 24 * 3))
        name, up, down, in_tx = g.migration()
        write(a.out, a.layout, i, when, name, up, down, in_tx)
    print(f"wrote {a.count} migrations ({a.layout}) to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
