//! The bench commands' `--db`, given once or more: each database is
//! measured in turn (a fresh SQLite file for `sqlite`, else the path or
//! PostgreSQL URL given) and the figures are printed side by side at the
//! end, so that the backends are compared on one run of one machine.

/// What one database measured, in the order printed.
pub struct Figures {
    pub database: String,
    pub rows: Vec<(String, String)>,
}

impl Figures {
    pub fn new(database: impl Into<String>) -> Figures {
        Figures {
            database: database.into(),
            rows: Vec::new(),
        }
    }

    pub fn add(&mut self, what: impl Into<String>, figure: impl Into<String>) {
        self.rows.push((what.into(), figure.into()));
    }
}

/// The databases to measure: `sqlite` (or nothing at all) is a fresh SQLite
/// file in `dir`, anything else is used as given.
pub fn databases(given: &[String], dir: &std::path::Path) -> Vec<(String, String)> {
    if given.is_empty() {
        return vec![("sqlite".into(), sqlite_file(dir, 0))];
    }
    given
        .iter()
        .enumerate()
        .map(|(n, db)| {
            if db == "sqlite" {
                ("sqlite".into(), sqlite_file(dir, n))
            } else if db.starts_with("postgres://") || db.starts_with("postgresql://") {
                ("postgres".into(), db.clone())
            } else {
                ("sqlite".into(), db.clone())
            }
        })
        .collect()
}

fn sqlite_file(dir: &std::path::Path, n: usize) -> String {
    dir.join(format!("bench-{n}.db")).display().to_string()
}

/// The figures of every database, one column each; nothing when one was
/// measured (its figures are printed as it goes).
pub fn print_side_by_side(all: &[Figures]) {
    if all.len() < 2 {
        return;
    }
    let mut labels: Vec<&str> = Vec::new();
    for f in all {
        for (what, _) in &f.rows {
            if !labels.contains(&what.as_str()) {
                labels.push(what);
            }
        }
    }
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let column = |f: &Figures, label: &str| -> String {
        f.rows
            .iter()
            .find(|(w, _)| w == label)
            .map_or_else(|| "-".to_owned(), |(_, v)| v.clone())
    };
    let widths: Vec<usize> = all
        .iter()
        .map(|f| {
            labels
                .iter()
                .map(|l| column(f, l).chars().count())
                .chain(std::iter::once(f.database.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    println!();
    print!("{:width$}", "side by side");
    for (f, w) in all.iter().zip(&widths) {
        print!(" | {:>w$}", f.database);
    }
    println!();
    for label in labels {
        print!("{label:width$}");
        for (f, w) in all.iter().zip(&widths) {
            print!(" | {:>w$}", column(f, label));
        }
        println!();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_and_a_url_are_measured_in_the_order_given() {
        let dir = std::path::Path::new("/tmp/x");
        let dbs = databases(
            &["sqlite".into(), "postgres://h/db".into(), "a.db".into()],
            dir,
        );
        let kinds: Vec<&str> = dbs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["sqlite", "postgres", "sqlite"]);
        assert_eq!(dbs[1].1, "postgres://h/db");
        assert_eq!(dbs[2].1, "a.db");
        assert_eq!(databases(&[], dir).len(), 1);
    }
}
