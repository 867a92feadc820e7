//! Several `gongshang` processes on one database at once (issue 10): two
//! payments imports, or two servers, paying the same bills under different
//! keys never pay a bill more than its amount, and the payment that settles
//! a bill buys its cover exactly once; imports of orders of the same months
//! all succeed and bill each month exactly once over. SQLite always;
//! PostgreSQL when GONGSHANG_TEST_POSTGRES_URL is set.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};

use gongshang_domain::ids::{
    CreditCode, PlatformId, ResidentId, credit_check_character, organisation_check_character,
    resident_check_character,
};
use gongshang_domain::month::Month;
use gongshang_rules::Money;
use gongshang_store::{CoverProof, Store};
use jiff::civil::Date;

use super::{TempDir, gongshang, s, stderr};

const PG_ENV: &str = "GONGSHANG_TEST_POSTGRES_URL";
const SCHEME: &str = "shandong.specific_workers";

/// A database the processes share: a SQLite file, or a PostgreSQL schema
/// (dropped at the end).
struct Shared {
    name: &'static str,
    url: String,
    dir: TempDir,
    postgres: Option<(String, String)>,
}

impl Shared {
    /// Runs `test` on a fresh shared database of every backend.
    fn each(label: &str, test: impl Fn(&Shared)) {
        let mut dbs = vec![Shared::sqlite(label)];
        if let Some(url) = std::env::var(PG_ENV).ok().filter(|u| !u.is_empty()) {
            dbs.push(Shared::postgres(label, &url));
        }
        for db in dbs {
            if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&db)))
            {
                eprintln!("test failed on the {} backend", db.name);
                std::panic::resume_unwind(panic);
            }
        }
    }

    fn sqlite(label: &str) -> Shared {
        let dir = TempDir::new(label);
        Shared {
            name: "sqlite",
            url: s(&dir.path("shared.db")).to_owned(),
            dir,
            postgres: None,
        }
    }

    fn postgres(label: &str, url: &str) -> Shared {
        let dir = TempDir::new(label);
        let n = dir
            .0
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('-', "_");
        let schema = format!("cli_{}", n.to_lowercase())
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(60)
            .collect::<String>();
        drop(gongshang_store::PostgresStore::open_in_schema(url, &schema).unwrap());
        let sep = if url.contains('?') { '&' } else { '?' };
        Shared {
            name: "postgres",
            url: format!("{url}{sep}options=-csearch_path%3D{schema}"),
            dir,
            postgres: Some((url.to_owned(), schema)),
        }
    }

    fn store(&self) -> Box<dyn Store> {
        gongshang_store::open(&self.url).unwrap()
    }

    /// `gongshang ARGS --db URL`, which must succeed.
    fn ok(&self, args: &[&str]) -> String {
        let mut all = args.to_vec();
        all.extend(["--db", &self.url]);
        let out = gongshang(&all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `gongshang ARGS --db URL` started, not waited for.
    fn spawn(&self, args: &[&str]) -> Child {
        Command::new(env!("CARGO_BIN_EXE_gongshang"))
            .args(args)
            .args(["--db", &self.url])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the gongshang binary starts")
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some((url, schema)) = &self.postgres {
            let _ = gongshang_store::PostgresStore::drop_schema(url, schema);
        }
    }
}

fn credit(n: u32) -> CreditCode {
    let body = format!("{n:08}");
    let org = organisation_check_character(body.as_bytes().try_into().unwrap()).unwrap();
    let first17 = format!("91370102{body}{org}");
    let check = credit_check_character(first17.as_bytes().try_into().unwrap()).unwrap();
    CreditCode::parse(&format!("{first17}{check}")).unwrap()
}

fn intern(n: u32) -> ResidentId {
    let first17 = format!("37010220030601{n:03}");
    let check = resident_check_character(first17.as_bytes().try_into().unwrap());
    ResidentId::parse(&format!("{first17}{check}")).unwrap()
}

/// Today in China: the month billed is the current one, paid on its first
/// day, so that the payment is neither in the future nor long past.
fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
        .date()
}

struct UnpaidBill {
    reference: String,
    bill_id: i64,
    amount: Money,
    person: ResidentId,
}

/// `n` units in Shandong, each with one intern enrolled in the specific
/// workers' scheme (cover from the day after the payment that settles the
/// month) from the first of this month, and this month declared: `n` bills,
/// none paid. Imported through the CLI.
fn unpaid_bills(db: &Shared, n: u32) -> (Month, Date, Vec<UnpaidBill>) {
    let first = today().first_of_month();
    let month = Month::parse(&first.strftime("%Y-%m").to_string()).unwrap();
    let mut units = String::from("credit_code,name,kind,region,industry_class,floating_tier\n");
    let mut people = String::from("resident_id,name\n");
    let mut enrollments =
        String::from("resident_id,credit_code,scheme_id,category,start_date,labour_relation\n");
    let mut declarations = String::from("credit_code,scheme_id,month,resident_id,declared_wage\n");
    for i in 0..n {
        let (unit, person) = (credit(i + 1), intern(i));
        let (unit, person) = (unit.as_str(), person.as_str());
        units.push_str(&format!("{unit},单位{i},enterprise,370102,1,1.0\n"));
        people.push_str(&format!("{person},实习生{i}\n"));
        enrollments.push_str(&format!("{person},{unit},{SCHEME},intern,{first},false\n"));
        declarations.push_str(&format!("{unit},{SCHEME},{month},{person},5000.00\n"));
    }
    for (kind, text) in [
        ("units", units),
        ("people", people),
        ("enrollments", enrollments),
        ("declarations", declarations),
    ] {
        let file = db.dir.write(&format!("{kind}.csv"), &text);
        db.ok(&["import", kind, s(&file)]);
    }
    let store = db.store();
    let bills = (0..n)
        .map(|i| {
            let reference = format!(
                "M{}-{}-{SCHEME}",
                first.strftime("%Y%m"),
                credit(i + 1).as_str()
            );
            let bill = store.bill_by_reference(&reference).unwrap().unwrap();
            assert_eq!(bill.status.paid, Money::ZERO);
            // Halves that add up to the bill: two of them settle it.
            assert_eq!(bill.status.amount.fen() % 2, 0, "{reference}");
            UnpaidBill {
                reference,
                bill_id: bill.status.bill_id,
                amount: bill.status.amount,
                person: intern(i),
            }
        })
        .collect();
    (month, first, bills)
}

/// Every bill paid exactly its amount (each was offered twice its amount),
/// its intern covered by exactly one payment (the one that settled it) on
/// the month's last day, and the ledger balanced.
fn assert_paid_once_and_covered_once(db: &Shared, first: Date, bills: &[UnpaidBill]) {
    let store = db.store();
    let last = first.last_of_month();
    for b in bills {
        let status = store
            .bill_by_reference(&b.reference)
            .unwrap()
            .unwrap()
            .status;
        assert!(
            status.paid <= status.amount,
            "{}: bill {} overpaid: {} of {} yuan",
            db.name,
            b.reference,
            status.paid,
            status.amount
        );
        assert_eq!(
            status.paid, status.amount,
            "{}: bill {} settled",
            db.name, b.reference
        );
        let covers = store
            .coverage_at(&b.person, last, None)
            .unwrap()
            .into_iter()
            .filter(|c| matches!(c.proof, CoverProof::Payment(_)))
            .count();
        assert_eq!(
            covers, 1,
            "{}: the settled bill {} buys its cover once",
            db.name, b.reference
        );
    }
    assert_eq!(
        store.trial_balance().unwrap(),
        0,
        "{}: trial balance",
        db.name
    );
}

#[test]
fn two_processes_paying_the_same_bills_never_overpay_and_buy_each_cover_once() {
    Shared::each("pay-processes", |db| {
        let (_, first, bills) = unpaid_bills(db, 40);
        // Each file pays every bill in two halves, in the same order, so
        // that the two processes meet on the same bill at the same time.
        let files: Vec<_> = ["a", "b"]
            .iter()
            .map(|who| {
                let mut text = String::from("bill_reference,amount,paid_on,idempotency_key\n");
                for b in &bills {
                    let half = Money::from_fen(b.amount.fen() / 2);
                    for h in 1..=2 {
                        text.push_str(&format!(
                            "{},{half},{first},{who}-{}-{h}\n",
                            b.reference, b.bill_id
                        ));
                    }
                }
                db.dir.write(&format!("pay-{who}.csv"), &text)
            })
            .collect();
        let children: Vec<Child> = files
            .iter()
            .map(|f| db.spawn(&["import", "payments", s(f), "--skip-invalid"]))
            .collect();
        for child in children {
            // A payment refused because the bill was settled by the other
            // process goes to the errors file; the exit status is not the
            // point here, the stored bills are.
            let out = child.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&out.stderr);
            assert!(
                !text.contains("panicked") && !text.contains("backend"),
                "{}: {text}",
                db.name
            );
        }
        assert_paid_once_and_covered_once(db, first, &bills);
    });
}

/// A `gongshang serve` process on port 0, stopped when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(db: &Shared) -> Server {
        let mut child = db.spawn(&["serve", "--addr", "127.0.0.1:0", "--threads", "2"]);
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        // "gongshang serving on http://127.0.0.1:PORT/ (...)"
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .parse()
            .unwrap();
        Server { child, addr }
    }

    /// POST /api/v1/payments; the status.
    fn pay(&self, token: &str, key: &str, bill_id: i64, amount: Money, on: Date) -> u16 {
        let body = format!(r#"{{"bill_id": {bill_id}, "amount": "{amount}", "paid_on": "{on}"}}"#);
        let mut stream = TcpStream::connect(self.addr).unwrap();
        write!(
            stream,
            "POST /api/v1/payments HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n\
             Idempotency-Key: {key}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not HTTP: {answer:?}"));
        assert!(status == 201 || status == 409, "{key}: {status}: {answer}");
        status
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_servers_paying_the_same_bills_never_overpay_and_buy_each_cover_once() {
    Shared::each("pay-servers", |db| {
        let (_, first, bills) = unpaid_bills(db, 30);
        let mut add = Command::new(env!("CARGO_BIN_EXE_gongshang"));
        add.args([
            "user", "add", "--role", "clerk", "--login", "clerk", "--db", &db.url,
        ])
        .env("GONGSHANG_PASSWORD", "a long enough password");
        assert!(add.output().unwrap().status.success());
        let token = db
            .ok(&["token", "create", "--login", "clerk"])
            .trim()
            .to_owned();
        let servers = [Server::start(db), Server::start(db)];
        // Two clients per server, each paying every bill in two halves in
        // the same order: four payments of half a bill meet on each bill.
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let clients: Vec<_> = (0..4)
                .map(|client| {
                    let (server, token, bills) = (&servers[client % 2], &token, &bills);
                    scope.spawn(move || {
                        let mut statuses = Vec::new();
                        for b in bills {
                            let half = Money::from_fen(b.amount.fen() / 2);
                            let key = format!("c{client}-{}", b.bill_id);
                            statuses.push(server.pay(token, &key, b.bill_id, half, first));
                        }
                        statuses
                    })
                })
                .collect();
            clients
                .into_iter()
                .flat_map(|c| c.join().unwrap())
                .collect()
        });
        let accepted = statuses.iter().filter(|s| **s == 201).count();
        assert_eq!(
            accepted,
            2 * bills.len(),
            "{}: two halves accepted per bill, the others refused",
            db.name
        );
        drop(servers);
        assert_paid_once_and_covered_once(db, first, &bills);
    });
}

#[test]
fn imports_of_the_same_months_at_once_all_succeed_and_bill_each_month_exactly() {
    Shared::each("orders-at-once", |db| {
        db.ok(&["db", "init"]);
        let all = db.dir.path("orders.csv");
        gongshang(&[
            "synth",
            "orders",
            "--count",
            "3000",
            "--seed",
            "5",
            "--out",
            s(&all),
        ]);
        let text = std::fs::read_to_string(&all).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let (header, rows) = (lines[0], &lines[1..]);
        // Four files, each overlapping the next by half: every month of
        // every platform is in several files, imported at the same time.
        let files: Vec<_> = (0..4)
            .map(|i| {
                let part = &rows[i * 600..(i * 600 + 1200).min(rows.len())];
                db.dir.write(
                    &format!("part{i}.csv"),
                    &format!("{header}\n{}\n", part.join("\n")),
                )
            })
            .collect();
        let children: Vec<Child> = files
            .iter()
            .map(|f| db.spawn(&["import", "orders", s(f)]))
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "{}: {}",
                db.name,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // Each month billed exactly what its stored orders cost, over one
        // or more bills numbered from 1.
        let store = db.store();
        let mut months: Vec<(String, String)> = rows
            .iter()
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_owned(), f[3][..7].to_owned())
            })
            .collect();
        months.sort();
        months.dedup();
        let mut orders = 0;
        for (platform_text, month_text) in &months {
            let platform = PlatformId::parse(platform_text).unwrap();
            let month = Month::parse(month_text).unwrap();
            let totals = store.order_month_totals(&platform, month).unwrap();
            orders += totals.orders;
            let mut billed = Money::ZERO;
            for n in 1.. {
                let reference = format!("O{}-{platform_text}-{n}", month_text.replace('-', ""));
                match store.bill_by_reference(&reference).unwrap() {
                    Some(b) => billed = billed.checked_add(b.status.amount).unwrap(),
                    None => break,
                }
            }
            assert_eq!(
                billed, totals.premium,
                "{}: {platform_text} {month_text} billed",
                db.name
            );
        }
        assert_eq!(orders, 3000, "{}: every order once", db.name);
        assert_eq!(
            store.trial_balance().unwrap(),
            0,
            "{}: trial balance",
            db.name
        );
    });
}
