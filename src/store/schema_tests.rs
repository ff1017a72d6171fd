//! The two backends' migrations describe the same schema: the same tables and columns with the
//! same types, nullability and defaults, the same primary keys, unique constraints, foreign
//! keys (and what a deletion does), named indexes (columns, uniqueness, partial or not),
//! triggers, and CHECK constraints (how many on each set of columns; their expressions are
//! spelled differently by the two engines, so what they allow is not compared). A migration
//! added to one folder and not the other fails here.

use super::*;
use sqlx::Row;
use std::collections::BTreeSet;

/// One fact about the schema, as a comparable line.
type Facts = BTreeSet<String>;

/// `INTEGER`/`BIGINT` → `int`, `TEXT` → `text`: the types the store reads.
fn kind(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "int".into(),
        "text" => "text".into(),
        other => other.into(),
    }
}

/// A default as written, without PostgreSQL's casts and SQLite's quotes' differences.
fn default(d: Option<String>) -> String {
    let d = d.unwrap_or_default();
    let d = d.split("::").next().unwrap_or_default().trim();
    d.trim_matches('(').trim_matches(')').to_string()
}

/// The CHECK constraints in a table's `CREATE TABLE` text (SQLite keeps it, with the columns
/// added later), each as the sorted columns it names (string literals left out).
fn sqlite_checks(sql: &str, columns: &[String]) -> Vec<Vec<String>> {
    let mut checks = Vec::new();
    // Comments out (SQLite keeps them in the text); the same length, so offsets still match.
    let sql: String = sql
        .lines()
        .map(|l| match l.find("--") {
            Some(at) => format!("{}{}", &l[..at], " ".repeat(l.len() - at)),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let sql = sql.as_str();
    let upper = sql.to_ascii_uppercase();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let at = from + at;
        let start = at + "CHECK".len();
        // A word of its own, not part of ok_check_id.
        if word(sql[..at].chars().next_back()) || word(sql[start..].chars().next()) {
            from = start;
            continue;
        }
        let open = start + sql[start..].find('(').expect("CHECK (");
        let (mut depth, mut in_string, mut end) = (0, false, open);
        for (i, ch) in sql[open..].char_indices() {
            match ch {
                '\'' => in_string = !in_string,
                '(' if !in_string => depth += 1,
                ')' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        // Without string literals: `step IN ('mood', …)` does not name the column mood.
        let expr: String = sql[open..=end]
            .split('\'')
            .step_by(2)
            .collect::<Vec<_>>()
            .join(" ");
        let words: BTreeSet<&str> = expr
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        let mut named: Vec<String> = columns
            .iter()
            .filter(|c| words.contains(c.as_str()))
            .cloned()
            .collect();
        named.sort();
        checks.push(named);
        from = end;
    }
    checks
}

/// "check on t(a, b) ×n" facts from each CHECK's columns.
fn check_facts(facts: &mut Facts, table: &str, checks: Vec<Vec<String>>) {
    let mut counted = std::collections::BTreeMap::<Vec<String>, usize>::new();
    for c in checks {
        *counted.entry(c).or_default() += 1;
    }
    for (columns, n) in counted {
        facts.insert(format!("check on {table}({}) x{n}", columns.join(", ")));
    }
}

async fn sqlite_facts(pool: &SqlitePool) -> Facts {
    let mut facts = Facts::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for t in &tables {
        for c in
            sqlx::query("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)")
                .bind(t)
                .fetch_all(pool)
                .await
                .unwrap()
        {
            let name: String = c.get(0);
            let pk: i64 = c.get(4);
            // INTEGER PRIMARY KEY is SQLite's rowid: generated when not given, like an identity.
            let notnull = c.get::<i64, _>(2) != 0 || pk > 0;
            facts.insert(format!(
                "column {t}.{name} {} {} default={}",
                kind(c.get(1)),
                if notnull { "not null" } else { "null" },
                default(c.get(3)),
            ));
            if pk > 0 {
                facts.insert(format!("primary key {t}.{name} #{pk}"));
            }
        }
        for f in sqlx::query(
            "SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list(?)",
        )
        .bind(t)
        .fetch_all(pool)
        .await
        .unwrap()
        {
            facts.insert(format!(
                "foreign key {t}.{} -> {}.{} on delete {}",
                f.get::<String, _>(0),
                f.get::<String, _>(1),
                f.get::<String, _>(2),
                f.get::<String, _>(3).to_lowercase(),
            ));
        }
        for i in sqlx::query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)")
            .bind(t)
            .fetch_all(pool)
            .await
            .unwrap()
        {
            let name: String = i.get(0);
            let origin: String = i.get(2);
            if origin == "pk" {
                continue;
            }
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            let columns = columns.join(",");
            if origin == "u" {
                facts.insert(format!("unique {t}({columns})"));
            } else {
                facts.insert(format!(
                    "index {name} on {t}({columns}) unique={} partial={}",
                    i.get::<i64, _>(1) != 0,
                    i.get::<i64, _>(3) != 0
                ));
            }
        }
    }
    for t in &tables {
        let sql: String = sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = ?")
            .bind(t)
            .fetch_one(pool)
            .await
            .unwrap();
        let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
            .bind(t)
            .fetch_all(pool)
            .await
            .unwrap();
        check_facts(&mut facts, t, sqlite_checks(&sql, &columns));
    }
    let triggers: Vec<(String, String)> =
        sqlx::query_as("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(pool)
            .await
            .unwrap();
    for (name, table) in triggers {
        facts.insert(format!("trigger {name} on {table}"));
    }
    facts
}

async fn postgres_facts(pool: &sqlx::PgPool) -> Facts {
    let mut facts = Facts::new();
    for c in sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text,
                c.column_default::text, c.is_identity::text
         FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
           AND c.table_name NOT LIKE '\\_sqlx\\_%'",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        let t: String = c.get(0);
        let name: String = c.get(1);
        facts.insert(format!(
            "column {t}.{name} {} {} default={}",
            kind(c.get(2)),
            if c.get::<String, _>(3) == "NO" {
                "not null"
            } else {
                "null"
            },
            default(c.get(4)),
        ));
    }
    for k in sqlx::query(
        "SELECT rel.relname::text, a.attname::text, k.n::bigint, con.contype::text
         FROM pg_constraint con
         JOIN pg_class rel ON rel.oid = con.conrelid
         JOIN pg_namespace ns ON ns.oid = rel.relnamespace AND ns.nspname = 'public'
         CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum = k.attnum
         WHERE con.contype IN ('p', 'u') AND rel.relname NOT LIKE '\\_sqlx\\_%'
         ORDER BY rel.relname, con.conname, k.n",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        let t: String = k.get(0);
        let column: String = k.get(1);
        if k.get::<String, _>(3) == "p" {
            facts.insert(format!("primary key {t}.{column} #{}", k.get::<i64, _>(2)));
        }
    }
    let uniques: Vec<(String, String)> = sqlx::query_as(
        "SELECT rel.relname::text,
                string_agg(a.attname::text, ',' ORDER BY k.n)
         FROM pg_constraint con
         JOIN pg_class rel ON rel.oid = con.conrelid
         JOIN pg_namespace ns ON ns.oid = rel.relnamespace AND ns.nspname = 'public'
         CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum = k.attnum
         WHERE con.contype = 'u'
         GROUP BY rel.relname, con.conname",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (t, columns) in uniques {
        facts.insert(format!("unique {t}({columns})"));
    }
    for f in sqlx::query(
        "SELECT rel.relname::text, a.attname::text, frel.relname::text, fa.attname::text,
                con.confdeltype::text
         FROM pg_constraint con
         JOIN pg_class rel ON rel.oid = con.conrelid
         JOIN pg_namespace ns ON ns.oid = rel.relnamespace AND ns.nspname = 'public'
         JOIN pg_class frel ON frel.oid = con.confrelid
         JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum = con.conkey[1]
         JOIN pg_attribute fa ON fa.attrelid = frel.oid AND fa.attnum = con.confkey[1]
         WHERE con.contype = 'f'",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        let action = match f.get::<String, _>(4).as_str() {
            "c" => "cascade",
            "n" => "set null",
            "d" => "set default",
            "r" => "restrict",
            _ => "no action",
        };
        facts.insert(format!(
            "foreign key {}.{} -> {}.{} on delete {action}",
            f.get::<String, _>(0),
            f.get::<String, _>(1),
            f.get::<String, _>(2),
            f.get::<String, _>(3),
        ));
    }
    for i in sqlx::query(
        "SELECT ic.relname::text, t.relname::text,
                string_agg(a.attname::text, ',' ORDER BY k.n), ix.indisunique,
                ix.indpred IS NOT NULL
         FROM pg_index ix
         JOIN pg_class ic ON ic.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace ns ON ns.oid = t.relnamespace AND ns.nspname = 'public'
         CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
         WHERE NOT ix.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid)
           AND t.relname NOT LIKE '\\_sqlx\\_%'
         GROUP BY ic.relname, t.relname, ix.indisunique, ix.indpred",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        facts.insert(format!(
            "index {} on {}({}) unique={} partial={}",
            i.get::<String, _>(0),
            i.get::<String, _>(1),
            i.get::<String, _>(2),
            i.get::<bool, _>(3),
            i.get::<bool, _>(4),
        ));
    }
    let checks: Vec<(String, Vec<String>)> = sqlx::query_as(
        "SELECT c.relname::text,
                ARRAY(SELECT a.attname::text FROM pg_attribute a
                      WHERE a.attrelid = c.oid AND a.attnum = ANY (k.conkey) ORDER BY a.attname)
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace ns ON ns.oid = c.relnamespace AND ns.nspname = 'public'
         WHERE k.contype = 'c'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut by_table = std::collections::BTreeMap::<String, Vec<Vec<String>>>::new();
    for (table, columns) in checks {
        by_table.entry(table).or_default().push(columns);
    }
    for (table, checks) in by_table {
        check_facts(&mut facts, &table, checks);
    }
    let triggers: Vec<(String, String)> = sqlx::query_as(
        "SELECT tg.tgname::text, c.relname::text FROM pg_trigger tg
         JOIN pg_class c ON c.oid = tg.tgrelid
         JOIN pg_namespace ns ON ns.oid = c.relnamespace AND ns.nspname = 'public'
         WHERE NOT tg.tgisinternal",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (name, table) in triggers {
        facts.insert(format!("trigger {name} on {table}"));
    }
    facts
}

#[tokio::test]
async fn both_backends_migrate_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let db = Db::open(&url).await.unwrap();
    let sqlite = sqlite_facts(db.pool()).await;

    let cluster = throwaway_postgres::shared();
    let pg = sqlx::PgPool::connect(&cluster.new_database())
        .await
        .unwrap();
    PG_MIGRATOR.run(&pg).await.unwrap();
    let postgres = postgres_facts(&pg).await;

    assert!(
        sqlite.len() > 200,
        "the SQLite schema was read: {sqlite:#?}"
    );
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas differ.\nonly in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
}

#[test]
fn checks_are_read_with_their_columns_not_from_names_strings_or_comments() {
    let columns: Vec<String> = ["step", "mood", "status", "ok_check_id"]
        .map(String::from)
        .to_vec();
    let sql = "CREATE TABLE t (
        step TEXT CHECK (step IN ('mood', 'note')), -- a check on the step
        mood INTEGER CHECK(mood BETWEEN 0 AND 10),
        ok_check_id INTEGER,
        status TEXT,
        CHECK ((status = 'open') = (step IS NOT NULL))
    )";
    assert_eq!(
        sqlite_checks(sql, &columns),
        vec![
            vec!["step".to_string()],
            vec!["mood".to_string()],
            vec!["status".to_string(), "step".to_string()],
        ]
    );
}
