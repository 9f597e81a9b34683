//! Replay of views, sequences, types, domains, functions, triggers and
//! comments.

use super::tables::type_range;
use super::*;
use crate::sql::ir::{
    AlterDomainAction, AlterFunctionAction, AlterSequence, AlterSequenceAction, AlterType,
    AlterTypeAction, AlterViewAction, CommentTarget, CreateDomain, CreateFunction, CreateSequence,
    CreateTrigger, CreateType, CreateView, SequenceOptions, TypeDefinition,
};

impl Replay {
    pub(super) fn create_view(&mut self, cv: &CreateView, ctx: &mut Ctx) {
        let name = self.relation_target(&cv.name, cv.temporary);
        if !self.catalog.schemas.contains_key(&name.schema) {
            return ctx.missing(format!("schema {}", name.schema));
        }
        let want = if cv.materialized {
            RelKind::MaterializedView
        } else {
            RelKind::View
        };
        let existing = match self.catalog.relation(&name) {
            Some((kind, oid)) if kind == want && cv.or_replace => Some(oid),
            Some(_) if cv.if_not_exists => return,
            Some((kind, _)) => {
                return ctx.duplicate(format!("relation {name} ({})", kind.describe()));
            }
            None => None,
        };
        let reads: Vec<Oid> = cv
            .query
            .relations
            .iter()
            .filter_map(|r| self.resolve_relation(r).map(|(_, o)| o))
            .collect();
        let read_columns = self.view_read_columns(&cv.query, &reads);
        let (query, output_columns) = self.expand_view_stars(&cv.query, &name, ctx);
        let before = existing.and_then(|o| self.catalog.views.get(&o).cloned());
        let oid = existing.unwrap_or_else(|| self.catalog.alloc_oid());
        let view = View {
            oid,
            name: name.clone(),
            materialized: cv.materialized,
            columns: cv.columns.clone(),
            query,
            reads,
            read_columns,
            output_columns,
            with_data: cv.with_data,
            comment: before.as_ref().and_then(|b| b.comment.clone()),
            column_comments: before
                .as_ref()
                .map(|b| b.column_comments.clone())
                .unwrap_or_default(),
            search_path: (self.search_path() != ["public"]).then(|| self.search_path().to_vec()),
        };
        self.catalog.bind_name(name.clone(), want, oid);
        self.catalog.views.insert(oid, view.clone());
        ctx.change(
            if before.is_some() {
                Action::Alter
            } else {
                Action::Create
            },
            ObjectRef::View { name },
            before.map(|b| State::View(Box::new(b))),
            Some(State::View(Box::new(view))),
        );
    }

    /// The query text and output names with every `*` of the select list
    /// replaced by the columns it meant at this moment: PostgreSQL stores
    /// the expansion, so columns added to a table later are not in the view.
    fn expand_view_stars(
        &self,
        q: &ir::QueryInfo,
        view: &ObjectName,
        ctx: &mut Ctx,
    ) -> (String, Option<Vec<String>>) {
        if !q.column_refs.iter().any(|(_, c)| c == "*") {
            return (q.sql.clone(), q.output_columns.clone());
        }
        let relation_columns = |r: &QualifiedName| -> Option<Vec<String>> {
            let (_, oid) = self.resolve_relation(r)?;
            if let Some(t) = self.catalog.tables.get(&oid) {
                return Some(t.columns.iter().map(|c| c.name.clone()).collect());
            }
            let v = self.catalog.views.get(&oid)?;
            if v.columns.is_empty() {
                return v.output_columns.clone();
            }
            // Names written after the view name come first; the rest keep
            // the query's.
            let mut names = v.columns.clone();
            if let Some(out) = &v.output_columns {
                names.extend(out.iter().skip(names.len()).cloned());
            }
            Some(names)
        };
        let expanded = crate::sql::rewrite::expand_stars(&q.sql, |qualifier| match qualifier {
            None => match q.relations.as_slice() {
                [only] => relation_columns(only),
                _ => None,
            },
            Some(qual) => {
                let r = q
                    .aliases
                    .iter()
                    .find(|(a, _)| a == qual)
                    .map(|(_, r)| r)
                    .or_else(|| q.relations.iter().find(|r| r.name == qual))?;
                relation_columns(r)
            }
        });
        match expanded {
            Some(sql) => {
                let out = crate::sql::fallback::query_output_columns(&sql);
                (sql, out)
            }
            None => {
                ctx.finding(
                    "view-star-not-expanded",
                    Severity::Hint,
                    format!(
                        "the columns `*` stands for in view {view} could not be told; PostgreSQL fixed them when the view was created, but the model will follow columns added later"
                    ),
                );
                (q.sql.clone(), q.output_columns.clone())
            }
        }
    }

    /// The table columns a query reads: `t.c` through its alias or relation
    /// name, a bare `c` in every relation read that has it, `*` as all.
    fn view_read_columns(&self, q: &ir::QueryInfo, reads: &[Oid]) -> Vec<(Oid, AttNum)> {
        let mut out: Vec<(Oid, AttNum)> = Vec::new();
        for (qualifier, column) in &q.column_refs {
            let candidates: Vec<Oid> = match qualifier {
                Some(qual) => {
                    let aliased = q
                        .aliases
                        .iter()
                        .find(|(a, _)| a == qual)
                        .and_then(|(_, r)| self.resolve_relation(r).map(|(_, o)| o));
                    match aliased {
                        Some(o) => vec![o],
                        None => reads
                            .iter()
                            .copied()
                            .filter(|o| {
                                self.catalog
                                    .relation_name(*o)
                                    .is_some_and(|n| &n.name == qual)
                            })
                            .collect(),
                    }
                }
                None => reads.to_vec(),
            };
            for oid in candidates {
                let Some(t) = self.catalog.tables.get(&oid) else {
                    continue;
                };
                for c in &t.columns {
                    if (column == "*" || &c.name == column) && !out.contains(&(oid, c.attnum)) {
                        out.push((oid, c.attnum));
                    }
                }
            }
        }
        out
    }

    pub(super) fn alter_view(
        &mut self,
        name: &QualifiedName,
        if_exists: bool,
        action: &AlterViewAction,
        ctx: &mut Ctx,
    ) {
        let oid = match self.resolve_relation(name) {
            Some((RelKind::View | RelKind::MaterializedView, oid)) => oid,
            Some((kind, _)) => {
                return ctx.finding(
                    "wrong-object-type",
                    Severity::Error,
                    format!("{name} is a {}, not a view", kind.describe()),
                );
            }
            None if if_exists => return,
            None => return ctx.missing(format!("view {name}")),
        };
        match action {
            AlterViewAction::RenameTo { new_name } => self.rename_relation(oid, new_name, ctx),
            AlterViewAction::SetSchema { schema } => self.set_relation_schema(oid, schema, ctx),
            AlterViewAction::RenameColumn {
                name: col,
                new_name,
            } => {
                if let Some(v) = self.catalog.views.get_mut(&oid) {
                    let before = v.clone();
                    if v.columns.is_empty()
                        && let Some(out) = &v.output_columns
                    {
                        v.columns = out.clone();
                    }
                    for c in v
                        .columns
                        .iter_mut()
                        .chain(v.output_columns.iter_mut().flatten())
                    {
                        if c == col {
                            *c = new_name.clone();
                        }
                    }
                    let after = v.clone();
                    ctx.change(
                        Action::Alter,
                        ObjectRef::View {
                            name: after.name.clone(),
                        },
                        Some(State::View(Box::new(before))),
                        Some(State::View(Box::new(after))),
                    );
                }
            }
            AlterViewAction::SetDefault { .. } | AlterViewAction::Other { .. } => {}
        }
    }

    /// A sequence with PostgreSQL's defaults for the options not given.
    pub(super) fn build_sequence(
        &mut self,
        name: ObjectName,
        data_type: Option<TypeName>,
        opts: &SequenceOptions,
    ) -> Sequence {
        let data_type = opts
            .data_type
            .clone()
            .or(data_type)
            .unwrap_or_else(|| TypeName::simple("bigint"));
        let (tmin, tmax) = type_range(&data_type);
        let increment = opts.increment.unwrap_or(1);
        let ascending = increment > 0;
        let min_value = opts
            .min_value
            .flatten()
            .unwrap_or(if ascending { 1 } else { tmin });
        let max_value = opts
            .max_value
            .flatten()
            .unwrap_or(if ascending { tmax } else { -1 });
        let start = opts
            .start
            .unwrap_or(if ascending { min_value } else { max_value });
        Sequence {
            oid: self.catalog.alloc_oid(),
            name,
            data_type,
            start,
            increment,
            min_value,
            max_value,
            cache: opts.cache.unwrap_or(1),
            cycle: opts.cycle.unwrap_or(false),
            owned_by: None,
            identity: false,
            comment: None,
        }
    }

    pub(super) fn apply_sequence_options(&mut self, oid: Oid, opts: &SequenceOptions) {
        let owned_by = opts.owned_by.as_ref().map(|o| {
            o.as_ref().and_then(|(t, c)| {
                let toid = self.resolve_table(t)?;
                let attnum = self.catalog.tables.get(&toid)?.column(c)?.attnum;
                Some((toid, attnum))
            })
        });
        let Some(s) = self.catalog.sequences.get_mut(&oid) else {
            return;
        };
        if let Some(t) = &opts.data_type {
            let (old_min, old_max) = type_range(&s.data_type);
            let (min, max) = type_range(t);
            if s.max_value == old_max {
                s.max_value = max;
            }
            if s.min_value == old_min {
                s.min_value = min;
            }
            s.data_type = t.clone();
        }
        if let Some(i) = opts.increment {
            s.increment = i;
        }
        let (tmin, tmax) = type_range(&s.data_type);
        if let Some(m) = opts.min_value {
            s.min_value = m.unwrap_or(if s.increment > 0 { 1 } else { tmin });
        }
        if let Some(m) = opts.max_value {
            s.max_value = m.unwrap_or(if s.increment > 0 { tmax } else { -1 });
        }
        if let Some(v) = opts.start {
            s.start = v;
        }
        if let Some(v) = opts.cache {
            s.cache = v;
        }
        if let Some(v) = opts.cycle {
            s.cycle = v;
        }
        if let Some(o) = owned_by {
            s.owned_by = o;
        }
    }

    pub(super) fn create_sequence(&mut self, cs: &CreateSequence, ctx: &mut Ctx) {
        let name = self.relation_target(&cs.name, cs.temporary);
        if !self.catalog.schemas.contains_key(&name.schema) {
            return ctx.missing(format!("schema {}", name.schema));
        }
        if self.catalog.relation_name_taken(&name) {
            if !cs.if_not_exists {
                ctx.duplicate(format!("relation {name}"));
            }
            return;
        }
        let mut opts = cs.options.clone();
        let owned_by = opts.owned_by.take();
        let seq = self.build_sequence(name.clone(), None, &opts);
        let oid = seq.oid;
        self.catalog.bind_name(name.clone(), RelKind::Sequence, oid);
        self.catalog.sequences.insert(oid, seq);
        if owned_by.is_some() {
            self.apply_sequence_options(
                oid,
                &SequenceOptions {
                    owned_by,
                    ..SequenceOptions::default()
                },
            );
        }
        if let Some(s) = self.catalog.sequences.get(&oid) {
            let s = s.clone();
            ctx.change(
                Action::Create,
                ObjectRef::Sequence { name },
                None,
                Some(State::Sequence(s)),
            );
        }
    }

    pub(super) fn alter_sequence(&mut self, a: &AlterSequence, ctx: &mut Ctx) {
        let oid = match self.resolve_relation(&a.name) {
            Some((RelKind::Sequence, oid)) => oid,
            Some((kind, _)) => {
                return ctx.finding(
                    "wrong-object-type",
                    Severity::Error,
                    format!("{} is a {}, not a sequence", a.name, kind.describe()),
                );
            }
            None if a.if_exists => return,
            None => return ctx.missing(format!("sequence {}", a.name)),
        };
        match &a.action {
            AlterSequenceAction::Options(opts) => {
                if let Some(Some((t, c))) = &opts.owned_by {
                    let ok = self
                        .resolve_table(t)
                        .and_then(|o| self.catalog.tables.get(&o))
                        .is_some_and(|t| t.column(c).is_some());
                    if !ok {
                        return ctx.missing(format!("column {c} of table {t}"));
                    }
                }
                let before = self.catalog.sequences.get(&oid).cloned();
                self.apply_sequence_options(oid, opts);
                let after = self.catalog.sequences.get(&oid).cloned();
                if before != after
                    && let Some(name) = after.as_ref().map(|s| s.name.clone())
                {
                    ctx.change(
                        Action::Alter,
                        ObjectRef::Sequence { name },
                        before.map(State::Sequence),
                        after.map(State::Sequence),
                    );
                }
            }
            AlterSequenceAction::RenameTo { new_name } => self.rename_relation(oid, new_name, ctx),
            AlterSequenceAction::SetSchema { schema } => self.set_relation_schema(oid, schema, ctx),
            AlterSequenceAction::Other { .. } => {}
        }
    }

    pub(super) fn create_type(&mut self, ct: &CreateType, ctx: &mut Ctx) {
        let name = self.target(&ct.name);
        if !self.catalog.schemas.contains_key(&name.schema) {
            return ctx.missing(format!("schema {}", name.schema));
        }
        if self.catalog.types.contains_key(&name) {
            return ctx.duplicate(format!("type {name}"));
        }
        let kind = match &ct.definition {
            TypeDefinition::Enum { values } => TypeKind::Enum {
                values: values.clone(),
            },
            TypeDefinition::Composite { attributes } => TypeKind::Composite {
                attributes: attributes
                    .iter()
                    .map(|(n, t)| (n.clone(), self.resolve_type_name(t)))
                    .collect(),
            },
            TypeDefinition::Range { subtype } => TypeKind::Range {
                subtype: self.resolve_type_name(subtype),
            },
            TypeDefinition::Other => TypeKind::Other,
        };
        let t = UserType {
            name: name.clone(),
            kind,
            comment: None,
        };
        self.catalog.types.insert(name.clone(), t.clone());
        ctx.change(
            Action::Create,
            ObjectRef::Type { name },
            None,
            Some(State::Type(t)),
        );
    }

    pub(super) fn create_domain(&mut self, cd: &CreateDomain, ctx: &mut Ctx) {
        let name = self.target(&cd.name);
        if !self.catalog.schemas.contains_key(&name.schema) {
            return ctx.missing(format!("schema {}", name.schema));
        }
        if self.catalog.types.contains_key(&name) {
            return ctx.duplicate(format!("type {name}"));
        }
        let checks = cd
            .checks
            .iter()
            .enumerate()
            .map(|(i, (n, e))| {
                let generated = if i == 0 {
                    format!("{}_check", name.name)
                } else {
                    format!("{}_check{i}", name.name)
                };
                (n.clone().unwrap_or(generated), e.clone(), true)
            })
            .collect();
        let t = UserType {
            name: name.clone(),
            kind: TypeKind::Domain {
                base: self.resolve_type_name(&cd.data_type),
                not_null: cd.not_null,
                default: cd.default.clone(),
                collation: cd.collation.clone(),
                checks,
            },
            comment: None,
        };
        self.catalog.types.insert(name.clone(), t.clone());
        ctx.change(
            Action::Create,
            ObjectRef::Type { name },
            None,
            Some(State::Type(t)),
        );
    }

    /// Applies `f` to a user type and records the change; `f` returns an
    /// error message when the change is impossible.
    fn alter_user_type(
        &mut self,
        name: &QualifiedName,
        ctx: &mut Ctx,
        f: impl FnOnce(&mut UserType) -> Result<(), String>,
    ) {
        let Some(key) = self.resolve_type(name) else {
            return ctx.missing(format!("type {name}"));
        };
        let Some(t) = self.catalog.types.get_mut(&key) else {
            return;
        };
        let before = t.clone();
        if let Err(message) = f(t) {
            return ctx.finding("invalid-change", Severity::Error, message);
        }
        if *t != before {
            let after = t.clone();
            ctx.change(
                Action::Alter,
                ObjectRef::Type { name: key },
                Some(State::Type(before)),
                Some(State::Type(after)),
            );
        }
    }

    pub(super) fn alter_type(&mut self, at: &AlterType, ctx: &mut Ctx) {
        match &at.action {
            AlterTypeAction::RenameTo { new_name } => {
                self.rename_type(&at.name, new_name, None, ctx)
            }
            AlterTypeAction::SetSchema { schema } => {
                self.rename_type(&at.name, &at.name.name.clone(), Some(schema), ctx)
            }
            AlterTypeAction::AddValue {
                value,
                if_not_exists,
                position,
            } => self.alter_user_type(&at.name, ctx, |t| {
                let TypeKind::Enum { values } = &mut t.kind else {
                    return Err(format!("{} is not an enum", t.name));
                };
                if values.contains(value) {
                    return if *if_not_exists {
                        Ok(())
                    } else {
                        Err(format!(
                            "enum label \"{value}\" already exists in {}",
                            t.name
                        ))
                    };
                }
                let at = match position {
                    None => values.len(),
                    Some((before, other)) => match values.iter().position(|v| v == other) {
                        Some(i) if *before => i,
                        Some(i) => i + 1,
                        None => return Err(format!("\"{other}\" is not an existing enum label")),
                    },
                };
                values.insert(at, value.clone());
                Ok(())
            }),
            AlterTypeAction::RenameValue { value, new_value } => {
                self.alter_user_type(&at.name, ctx, |t| {
                    let TypeKind::Enum { values } = &mut t.kind else {
                        return Err(format!("{} is not an enum", t.name));
                    };
                    if values.contains(new_value) {
                        return Err(format!("enum label \"{new_value}\" already exists"));
                    }
                    match values.iter_mut().find(|v| *v == value) {
                        Some(v) => {
                            *v = new_value.clone();
                            Ok(())
                        }
                        None => Err(format!("\"{value}\" is not an existing enum label")),
                    }
                })
            }
            AlterTypeAction::AddAttribute { name, data_type } => {
                let data_type = self.resolve_type_name(data_type);
                self.alter_user_type(&at.name, ctx, |t| match &mut t.kind {
                    TypeKind::Composite { attributes } => {
                        attributes.push((name.clone(), data_type));
                        Ok(())
                    }
                    _ => Err(format!("{} is not a composite type", t.name)),
                })
            }
            AlterTypeAction::DropAttribute { name, if_exists } => {
                self.alter_user_type(&at.name, ctx, |t| match &mut t.kind {
                    TypeKind::Composite { attributes } => {
                        let n = attributes.len();
                        attributes.retain(|(a, _)| a != name);
                        if n == attributes.len() && !if_exists {
                            return Err(format!("attribute {name} of {} does not exist", t.name));
                        }
                        Ok(())
                    }
                    _ => Err(format!("{} is not a composite type", t.name)),
                })
            }
            AlterTypeAction::AlterAttributeType { name, data_type } => {
                let data_type = self.resolve_type_name(data_type);
                self.alter_user_type(&at.name, ctx, |t| match &mut t.kind {
                    TypeKind::Composite { attributes } => {
                        match attributes.iter_mut().find(|(a, _)| a == name) {
                            Some((_, ty)) => {
                                *ty = data_type;
                                Ok(())
                            }
                            None => Err(format!("attribute {name} of {} does not exist", t.name)),
                        }
                    }
                    _ => Err(format!("{} is not a composite type", t.name)),
                })
            }
            AlterTypeAction::RenameAttribute { name, new_name } => {
                self.alter_user_type(&at.name, ctx, |t| match &mut t.kind {
                    TypeKind::Composite { attributes } => {
                        match attributes.iter_mut().find(|(a, _)| a == name) {
                            Some((a, _)) => {
                                *a = new_name.clone();
                                Ok(())
                            }
                            None => Err(format!("attribute {name} of {} does not exist", t.name)),
                        }
                    }
                    _ => Err(format!("{} is not a composite type", t.name)),
                })
            }
            AlterTypeAction::Other { .. } => {}
        }
    }

    /// Renames or moves a type; columns, attributes and domains that use it
    /// follow.
    fn rename_type(
        &mut self,
        name: &QualifiedName,
        new_name: &str,
        new_schema: Option<&String>,
        ctx: &mut Ctx,
    ) {
        let Some(old) = self.resolve_type(name) else {
            return ctx.missing(format!("type {name}"));
        };
        let new = ObjectName::new(new_schema.unwrap_or(&old.schema), new_name);
        if self.catalog.types.contains_key(&new) {
            return ctx.duplicate(format!("type {new}"));
        }
        let Some(mut t) = self.catalog.types.remove(&old) else {
            return;
        };
        let before = t.clone();
        t.name = new.clone();
        self.catalog.types.insert(new.clone(), t.clone());
        let follow = |ty: &mut TypeName| {
            if ty.schema.as_deref() == Some(&old.schema) && ty.name == old.name {
                ty.schema = Some(new.schema.clone());
                ty.name = new.name.clone();
            }
        };
        let named =
            |ty: &TypeName| ty.schema.as_deref() == Some(&old.schema) && ty.name == old.name;
        self.catalog.tables.update_where(
            |tb| tb.columns.iter().any(|c| named(&c.data_type)),
            |tb| {
                for c in &mut tb.columns {
                    follow(&mut c.data_type);
                }
            },
        );
        self.catalog.types.update_where(
            |ut| match &ut.kind {
                TypeKind::Composite { attributes } => attributes.iter().any(|(_, ty)| named(ty)),
                TypeKind::Domain { base, .. } => named(base),
                TypeKind::Range { subtype } => named(subtype),
                _ => false,
            },
            |ut| match &mut ut.kind {
                TypeKind::Composite { attributes } => {
                    for (_, ty) in attributes {
                        follow(ty);
                    }
                }
                TypeKind::Domain { base, .. } => follow(base),
                TypeKind::Range { subtype } => follow(subtype),
                _ => {}
            },
        );
        ctx.change(
            Action::Rename,
            ObjectRef::Type { name: old },
            Some(State::Type(before)),
            Some(State::Type(t)),
        );
    }

    pub(super) fn alter_domain(
        &mut self,
        name: &QualifiedName,
        action: &AlterDomainAction,
        ctx: &mut Ctx,
    ) {
        match action {
            AlterDomainAction::RenameTo { new_name } => {
                return self.rename_type(name, new_name, None, ctx);
            }
            AlterDomainAction::SetSchema { schema } => {
                return self.rename_type(name, &name.name.clone(), Some(schema), ctx);
            }
            _ => {}
        }
        self.alter_user_type(name, ctx, |t| {
            let TypeKind::Domain {
                not_null,
                default,
                checks,
                ..
            } = &mut t.kind
            else {
                return Err(format!("{} is not a domain", t.name));
            };
            match action {
                AlterDomainAction::SetDefault { expr } => *default = Some(expr.clone()),
                AlterDomainAction::DropDefault => *default = None,
                AlterDomainAction::SetNotNull => *not_null = true,
                AlterDomainAction::DropNotNull => *not_null = false,
                AlterDomainAction::AddCheck {
                    name: cname,
                    expr,
                    not_valid,
                } => {
                    let base = format!("{}_check", t.name.name);
                    let mut n = cname.clone().unwrap_or_else(|| base.clone());
                    let mut pass = 0;
                    while cname.is_none() && checks.iter().any(|(c, _, _)| *c == n) {
                        pass += 1;
                        n = format!("{base}{pass}");
                    }
                    checks.push((n, expr.clone(), !not_valid));
                }
                AlterDomainAction::DropConstraint {
                    name: cname,
                    if_exists,
                    ..
                } => {
                    let before = checks.len();
                    checks.retain(|(c, _, _)| c != cname);
                    if before == checks.len() && !if_exists {
                        return Err(format!(
                            "constraint {cname} of domain {} does not exist",
                            t.name
                        ));
                    }
                }
                AlterDomainAction::ValidateConstraint { name: cname } => {
                    match checks.iter_mut().find(|(c, _, _)| c == cname) {
                        Some(c) => c.2 = true,
                        None => {
                            return Err(format!(
                                "constraint {cname} of domain {} does not exist",
                                t.name
                            ));
                        }
                    }
                }
                AlterDomainAction::RenameConstraint {
                    name: cname,
                    new_name,
                } => match checks.iter_mut().find(|(c, _, _)| c == cname) {
                    Some(c) => c.0 = new_name.clone(),
                    None => {
                        return Err(format!(
                            "constraint {cname} of domain {} does not exist",
                            t.name
                        ));
                    }
                },
                AlterDomainAction::RenameTo { .. }
                | AlterDomainAction::SetSchema { .. }
                | AlterDomainAction::Other { .. } => {}
            }
            Ok(())
        });
    }

    pub(super) fn create_function(&mut self, cf: &CreateFunction, ctx: &mut Ctx) {
        let name = self.target(&cf.name);
        if !self.catalog.schemas.contains_key(&name.schema) {
            return ctx.missing(format!("schema {}", name.schema));
        }
        let arg_types = cf
            .args
            .iter()
            .filter(|a| a.mode != "out")
            .map(|a| self.resolve_type_name(&a.data_type).to_sql())
            .collect();
        let key = FunctionKey {
            name: name.clone(),
            arg_types,
        };
        let before = self.catalog.functions.get(&key).cloned();
        if before.is_some() && !cf.or_replace {
            return ctx.duplicate(format!("function {key}"));
        }
        let f = Function {
            key: key.clone(),
            kind: cf.kind,
            returns: cf.returns.clone(),
            language: cf.language.clone(),
            body: cf.body.clone(),
            volatility: cf.volatility.clone(),
            definition: cf.definition.clone(),
            defined_as: name,
            comment: before.as_ref().and_then(|b| b.comment.clone()),
        };
        self.catalog.functions.insert(key.clone(), f.clone());
        ctx.change(
            if before.is_some() {
                Action::Alter
            } else {
                Action::Create
            },
            ObjectRef::Function { key },
            before.map(|b| State::Function(Box::new(b))),
            Some(State::Function(Box::new(f))),
        );
    }

    pub(super) fn alter_function(
        &mut self,
        function: &ir::FunctionRef,
        action: &AlterFunctionAction,
        ctx: &mut Ctx,
    ) {
        let found = self.find_functions(function);
        let key = match found.as_slice() {
            [] => return ctx.missing(format!("function {}", function.name)),
            [one] => one.clone(),
            _ => {
                return ctx.finding(
                    "ambiguous-function",
                    Severity::Error,
                    format!(
                        "function name {} is not unique; name the argument types",
                        function.name
                    ),
                );
            }
        };
        let new_name = match action {
            AlterFunctionAction::RenameTo { new_name } => {
                ObjectName::new(&key.name.schema, new_name)
            }
            AlterFunctionAction::SetSchema { schema } => ObjectName::new(schema, &key.name.name),
            AlterFunctionAction::Other { .. } => return,
        };
        let new_key = FunctionKey {
            name: new_name.clone(),
            arg_types: key.arg_types.clone(),
        };
        if self.catalog.functions.contains_key(&new_key) {
            return ctx.duplicate(format!("function {new_key}"));
        }
        let Some(mut f) = self.catalog.functions.remove(&key) else {
            return;
        };
        let before = f.clone();
        f.key = new_key.clone();
        self.catalog.functions.insert(new_key, f.clone());
        // Triggers hold their function by oid.
        self.catalog.tables.update_where(
            |t| t.triggers.iter().any(|tr| tr.function == key.name),
            |t| {
                for tr in &mut t.triggers {
                    if tr.function == key.name {
                        tr.function = new_name.clone();
                    }
                }
            },
        );
        ctx.change(
            Action::Rename,
            ObjectRef::Function { key },
            Some(State::Function(Box::new(before))),
            Some(State::Function(Box::new(f))),
        );
    }

    pub(super) fn create_trigger(&mut self, ct: &CreateTrigger, ctx: &mut Ctx) {
        let Some((kind, oid)) = self.resolve_relation(&ct.table) else {
            return ctx.missing(format!("table {}", ct.table));
        };
        if kind != RelKind::Table {
            // Triggers on views (INSTEAD OF) are not modelled.
            return;
        }
        let function = self
            .lookup_schemas(&ct.function)
            .into_iter()
            .map(|s| ObjectName::new(s, &ct.function.name))
            .find(|n| {
                self.catalog
                    .functions
                    .keys()
                    .any(|k| &k.name == n && k.arg_types.is_empty())
            });
        let Some(function) = function else {
            return ctx.missing(format!("function {}()", ct.function));
        };
        let tname = self.table_name(oid);
        let Some(t) = self.catalog.tables.get_mut(&oid) else {
            return;
        };
        let trigger = Trigger {
            name: ct.name.clone(),
            constraint: ct.constraint,
            timing: ct.timing.clone(),
            events: ct.events.clone(),
            update_columns: ct.update_columns.clone(),
            for_each_row: ct.for_each_row,
            when: ct.when.clone(),
            function,
            arguments: ct.arguments.clone(),
            referencing: ct.referencing.clone(),
            deferrable: ct.deferrable,
            initially_deferred: ct.initially_deferred,
            comment: None,
        };
        let before = match t.triggers.iter().position(|tr| tr.name == ct.name) {
            Some(_) if !ct.or_replace => {
                return ctx.duplicate(format!("trigger {} on table {tname}", ct.name));
            }
            Some(pos) => Some(t.triggers.remove(pos)),
            None => None,
        };
        t.triggers.push(trigger.clone());
        ctx.change(
            if before.is_some() {
                Action::Alter
            } else {
                Action::Create
            },
            ObjectRef::Trigger {
                table: tname,
                name: ct.name.clone(),
            },
            before.map(State::Trigger),
            Some(State::Trigger(trigger)),
        );
    }

    pub(super) fn comment(&mut self, target: &CommentTarget, text: Option<String>, ctx: &mut Ctx) {
        let (object, before) = match self.set_comment(target, text.clone()) {
            Ok(x) => x,
            Err(what) => return ctx.missing(what),
        };
        if let Some(object) = object
            && before != text
        {
            ctx.change(
                Action::Comment,
                object,
                Some(State::Comment(before)),
                Some(State::Comment(text)),
            );
        }
    }

    /// Sets a comment; returns the object and its previous comment, or what
    /// is missing.
    #[allow(clippy::type_complexity)]
    fn set_comment(
        &mut self,
        target: &CommentTarget,
        text: Option<String>,
    ) -> Result<(Option<ObjectRef>, Option<String>), String> {
        let rel = |r: &Replay, n: &QualifiedName, kinds: &[RelKind], what: &str| match r
            .resolve_relation(n)
        {
            Some((k, o)) if kinds.contains(&k) => Ok(o),
            _ => Err(format!("{what} {n}")),
        };
        let swap = |slot: &mut Option<String>| std::mem::replace(slot, text.clone());
        match target {
            CommentTarget::Table(n) => {
                let oid = rel(self, n, &[RelKind::Table], "table")?;
                let name = self.table_name(oid);
                let t = self
                    .catalog
                    .tables
                    .get_mut(&oid)
                    .ok_or(format!("table {n}"))?;
                Ok((Some(ObjectRef::Table { name }), swap(&mut t.comment)))
            }
            CommentTarget::View(n) | CommentTarget::MaterializedView(n) => {
                let oid = rel(self, n, &[RelKind::View, RelKind::MaterializedView], "view")?;
                let v = self
                    .catalog
                    .views
                    .get_mut(&oid)
                    .ok_or(format!("view {n}"))?;
                Ok((
                    Some(ObjectRef::View {
                        name: v.name.clone(),
                    }),
                    swap(&mut v.comment),
                ))
            }
            CommentTarget::Column { table, column } => {
                let (kind, oid) = self
                    .resolve_relation(table)
                    .ok_or(format!("relation {table}"))?;
                let name = self.table_name(oid);
                if matches!(kind, RelKind::View | RelKind::MaterializedView) {
                    let v = self
                        .catalog
                        .views
                        .get_mut(&oid)
                        .ok_or(format!("view {table}"))?;
                    let before = match &text {
                        Some(t) => v.column_comments.insert(column.clone(), t.clone()),
                        None => v.column_comments.remove(column),
                    };
                    return Ok((None, before));
                }
                let c = self
                    .catalog
                    .tables
                    .get_mut(&oid)
                    .and_then(|t| t.column_mut(column))
                    .ok_or(format!("column {column} of table {table}"))?;
                Ok((
                    Some(ObjectRef::Column {
                        table: name,
                        column: column.clone(),
                    }),
                    swap(&mut c.comment),
                ))
            }
            CommentTarget::Index(n) => {
                let oid = rel(self, n, &[RelKind::Index], "index")?;
                let i = self
                    .catalog
                    .indexes
                    .get_mut(&oid)
                    .ok_or(format!("index {n}"))?;
                Ok((
                    Some(ObjectRef::Index {
                        name: i.name.clone(),
                    }),
                    swap(&mut i.comment),
                ))
            }
            CommentTarget::Sequence(n) => {
                let oid = rel(self, n, &[RelKind::Sequence], "sequence")?;
                let s = self
                    .catalog
                    .sequences
                    .get_mut(&oid)
                    .ok_or(format!("sequence {n}"))?;
                Ok((
                    Some(ObjectRef::Sequence {
                        name: s.name.clone(),
                    }),
                    swap(&mut s.comment),
                ))
            }
            CommentTarget::Type(n) | CommentTarget::Domain(n) => {
                let key = self.resolve_type(n).ok_or(format!("type {n}"))?;
                let t = self
                    .catalog
                    .types
                    .get_mut(&key)
                    .ok_or(format!("type {n}"))?;
                Ok((Some(ObjectRef::Type { name: key }), swap(&mut t.comment)))
            }
            CommentTarget::Schema(s) => {
                let sc = self
                    .catalog
                    .schemas
                    .get_mut(s)
                    .ok_or(format!("schema {s}"))?;
                Ok((
                    Some(ObjectRef::Schema { name: s.clone() }),
                    swap(&mut sc.comment),
                ))
            }
            CommentTarget::Extension(e) => {
                let ex = self
                    .catalog
                    .extensions
                    .get_mut(e)
                    .ok_or(format!("extension {e}"))?;
                Ok((
                    Some(ObjectRef::Extension { name: e.clone() }),
                    swap(&mut ex.comment),
                ))
            }
            CommentTarget::Function(f) => {
                let found = self.find_functions(f);
                let key = match found.as_slice() {
                    [one] => one.clone(),
                    _ => return Err(format!("function {}", f.name)),
                };
                let func = self
                    .catalog
                    .functions
                    .get_mut(&key)
                    .ok_or(format!("function {}", f.name))?;
                Ok((Some(ObjectRef::Function { key }), swap(&mut func.comment)))
            }
            CommentTarget::Constraint { name, table } => {
                let oid = match self.resolve_relation(table) {
                    Some((RelKind::Table, o)) => o,
                    Some(_) => return Ok((None, None)),
                    None => return Err(format!("table {table}")),
                };
                let tname = self.table_name(oid);
                let c = self
                    .catalog
                    .tables
                    .get_mut(&oid)
                    .and_then(|t| t.constraint_mut(name))
                    .ok_or(format!("constraint {name} on table {table}"))?;
                Ok((
                    Some(ObjectRef::Constraint {
                        table: tname,
                        name: name.clone(),
                    }),
                    swap(&mut c.comment),
                ))
            }
            CommentTarget::Trigger { name, table } => {
                let oid = self.resolve_table(table).ok_or(format!("table {table}"))?;
                let tname = self.table_name(oid);
                let tr = self
                    .catalog
                    .tables
                    .get_mut(&oid)
                    .and_then(|t| t.triggers.iter_mut().find(|tr| &tr.name == name))
                    .ok_or(format!("trigger {name} on table {table}"))?;
                Ok((
                    Some(ObjectRef::Trigger {
                        table: tname,
                        name: name.clone(),
                    }),
                    swap(&mut tr.comment),
                ))
            }
            CommentTarget::Other { .. } => Ok((None, None)),
        }
    }
}
