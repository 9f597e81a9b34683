//! Compatibility of a change: what it does to code written for the schema
//! before it (blue) and to code written for the schema after it (green).

use super::types::type_change_rewrites;
use super::{Compatibility, Context};
use crate::model::catalog::ConstraintDef;
use crate::model::{Action, Change, ObjectRef, Replay, State};
use crate::sql::ir::Stmt;

/// Combines the compatibility of several changes of one statement: adding
/// and removing in one step needs both phases.
pub fn combine(items: impl IntoIterator<Item = Compatibility>) -> Compatibility {
    let mut expand = false;
    let mut best = Compatibility::Neutral;
    for c in items {
        expand |= c == Compatibility::Expand;
        best = best.max(c);
    }
    if best == Compatibility::Contract && expand {
        Compatibility::ExpandContract
    } else {
        best
    }
}

/// A statement that recorded no change: row changes are data, DROP
/// DATABASE (outside the model, but it removes everything code uses) a
/// contract, the rest (SET, grants, comments that changed nothing,
/// transaction control) neutral.
pub(super) fn statement_compatibility(stmt: &Stmt) -> Compatibility {
    match stmt {
        Stmt::Dml(d) if d.verb != "SELECT" => Compatibility::Data,
        Stmt::Truncate { .. } => Compatibility::Data,
        Stmt::Other { what, .. } if what == "DROP DATABASE" => Compatibility::Contract,
        _ => Compatibility::Neutral,
    }
}

fn table_is_new(
    replay: &Replay,
    context: &Context,
    table: &crate::model::catalog::ObjectName,
) -> bool {
    context.is_new(replay, table)
}

/// The compatibility of one recorded change.
pub fn change_compatibility(change: &Change, context: &Context, replay: &Replay) -> Compatibility {
    use Compatibility::*;
    match (change.action, &change.object) {
        (Action::Comment, _) => Neutral,
        (Action::Create, ObjectRef::Column { table, .. }) => match &change.after {
            Some(State::Column(c))
                if c.not_null
                    && c.default.is_none()
                    && c.identity.is_none()
                    && c.generated.is_none()
                    && !table_is_new(replay, context, table) =>
            {
                // Old code's INSERTs do not name the column and now fail.
                Contract
            }
            _ => Expand,
        },
        (Action::Create, ObjectRef::Constraint { table, .. }) => {
            if table_is_new(replay, context, table) {
                Expand
            } else {
                // A new constraint can reject writes old code makes.
                Contract
            }
        }
        (Action::Create, ObjectRef::Index { .. }) => match &change.after {
            Some(State::Index(i)) if i.unique && !context.created.contains(&i.table) => Contract,
            _ => Expand,
        },
        (Action::Create, _) => Expand,
        (Action::Drop, ObjectRef::Constraint { .. }) => match &change.before {
            // Dropping NOT NULL or a check only relaxes; dropping a key can
            // break ON CONFLICT and foreign keys old code relies on.
            Some(State::Constraint(c))
                if matches!(
                    c.kind,
                    ConstraintDef::PrimaryKey { .. } | ConstraintDef::Unique { .. }
                ) =>
            {
                Contract
            }
            _ => Expand,
        },
        (Action::Drop, ObjectRef::Index { .. }) => match &change.before {
            Some(State::Index(i)) if i.unique => Contract,
            _ => Neutral,
        },
        (Action::Drop, ObjectRef::Trigger { .. }) => Contract,
        (Action::Drop, _) => Contract,
        (
            Action::Rename,
            ObjectRef::Index { .. } | ObjectRef::Constraint { .. } | ObjectRef::Trigger { .. },
        ) => Neutral,
        (Action::Rename, _) => ExpandContract,
        (Action::Alter, _) => alter_compatibility(change),
    }
}

fn alter_compatibility(change: &Change) -> Compatibility {
    use Compatibility::*;
    match (&change.before, &change.after) {
        (Some(State::Column(a)), Some(State::Column(b))) => {
            let mut parts = Vec::new();
            if a.data_type != b.data_type {
                parts.push(if type_change_rewrites(&a.data_type, &b.data_type, false) {
                    ExpandContract
                } else {
                    // A longer limit: old values and old writes still fit.
                    Expand
                });
            }
            if !a.not_null && b.not_null {
                parts.push(Contract);
            }
            if a.not_null && !b.not_null {
                parts.push(Expand);
            }
            if a.default.is_some() && b.default.is_none() && a.identity.is_none() {
                parts.push(Contract);
            }
            if a.default.is_none() && b.default.is_some() {
                parts.push(Expand);
            }
            if a.generated.is_some() != b.generated.is_some() || a.identity != b.identity {
                parts.push(Expand);
            }
            combine(parts)
        }
        (Some(State::Type(a)), Some(State::Type(b))) => {
            use crate::model::catalog::TypeKind;
            match (&a.kind, &b.kind) {
                (TypeKind::Enum { values: va }, TypeKind::Enum { values: vb }) => {
                    if va.iter().all(|v| vb.contains(v)) {
                        Expand
                    } else {
                        ExpandContract
                    }
                }
                (TypeKind::Domain { .. }, TypeKind::Domain { .. }) => Contract,
                _ => Expand,
            }
        }
        (Some(State::Constraint(_)), Some(State::Constraint(_))) => Neutral,
        (Some(State::Table(a)), Some(State::Table(b))) if a.name != b.name => ExpandContract,
        (Some(State::Sequence(_)), Some(State::Sequence(_))) => Neutral,
        (Some(State::View(_)), Some(State::View(_))) => Expand,
        (Some(State::Function(_)), Some(State::Function(_))) => Expand,
        _ => Neutral,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_and_removing_in_one_statement_needs_both_phases() {
        use Compatibility::*;
        assert_eq!(combine([Expand, Contract]), ExpandContract);
        assert_eq!(combine([Neutral, Data]), Data);
        assert_eq!(combine([Expand, Neutral]), Expand);
        assert_eq!(combine([]), Neutral);
        assert_eq!(combine([Contract]), Contract);
    }

    #[test]
    fn statements_without_changes() {
        use crate::sql::parse_statement;
        let of = |sql: &str| parse_statement(sql).map(|s| statement_compatibility(&s));
        assert_eq!(of("DROP DATABASE app"), Ok(Compatibility::Contract));
        assert_eq!(
            of("GRANT SELECT ON users TO app"),
            Ok(Compatibility::Neutral)
        );
        assert_eq!(of("TRUNCATE users"), Ok(Compatibility::Data));
    }
}
