//! Login throttling: failed sign-ins of one login (and from one address)
//! are slowed down, then refused for a while with 429 `too_many_attempts`
//! and `Retry-After`; a success starts the login's count again. The test
//! moves the app's clock by what `Retry-After` says instead of sleeping.

use gongshang_app::Clock;
use serde_json::json;

use crate::api_common::{PASSWORD, Resp, TestServer, each_backend, req};

fn sign_in(s: &TestServer, login: &str, password: &str) -> Resp {
    s.send(req("POST", "/api/v1/session").json(&json!({"login": login, "password": password})))
}

/// The seconds a 429 asks to wait (a positive whole number).
fn retry_after(r: &Resp) -> i64 {
    assert_eq!(
        (r.status, r.code()),
        (429, "too_many_attempts".into()),
        "{r:?}"
    );
    let secs: i64 = r
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After in {r:?}"));
    assert!(secs > 0, "{r:?}");
    secs
}

fn wait(s: &TestServer, secs: i64) {
    let later = s
        .clock
        .now()
        .checked_add(jiff::SignedDuration::from_secs(secs))
        .unwrap();
    s.clock.set(later);
}

#[test]
fn failed_sign_ins_are_slowed_then_refused_and_a_success_resets_the_count() {
    each_backend(|s| {
        for _ in 0..4 {
            let r = sign_in(s, "clerk", "wrong password");
            assert_eq!((r.status, r.code()), (401, "unauthenticated".into()));
        }
        // Slowed: the next try must wait, even with the right password,
        // which is not checked then.
        let first_wait = retry_after(&sign_in(s, "clerk", "wrong password"));
        retry_after(&sign_in(s, "clerk", PASSWORD));
        // The web UI's form shares the count.
        let (cookie, token) = crate::common::login_form_token(s.addr);
        let form = s.send(req("POST", "/login").header("Cookie", &cookie).raw(
            "application/x-www-form-urlencoded",
            &format!(
                "login=clerk&password={}&login_csrf={token}",
                PASSWORD.replace(' ', "+")
            ),
        ));
        assert_eq!(form.status, 429, "{form:?}");
        assert!(form.header("retry-after").is_some(), "{form:?}");
        assert!(form.body.contains("role=\"alert\""), "{}", form.body);
        // Another login is not slowed by the clerk's failures.
        assert_eq!(sign_in(s, "reviewer", PASSWORD).status, 200);

        wait(s, first_wait);
        let r = sign_in(s, "clerk", PASSWORD);
        assert_eq!(r.status, 200, "{}", r.body);
        // The success started the count again: four free failures.
        for _ in 0..4 {
            assert_eq!(sign_in(s, "clerk", "wrong password").status, 401);
        }

        // Keep failing, waiting each time as told, until the login is
        // refused for a while (longer than any of the waits before).
        let mut failures = 4;
        let mut longest = 0;
        let lockout = loop {
            let r = sign_in(s, "clerk", "wrong password");
            if r.status == 401 {
                failures += 1;
                assert!(failures <= 10, "never locked: {r:?}");
                continue;
            }
            let secs = retry_after(&r);
            if failures >= 10 {
                break secs;
            }
            longest = longest.max(secs);
            wait(s, secs);
        };
        assert!(lockout > longest, "{lockout} against {longest}");
        retry_after(&sign_in(s, "clerk", PASSWORD));
        wait(s, lockout);
        assert_eq!(sign_in(s, "clerk", PASSWORD).status, 200);
    });
}

#[test]
fn one_address_failing_on_many_logins_is_refused_too() {
    each_backend(|s| {
        // Every login fails once: no login is throttled, the address is.
        let mut n = 0;
        let refused = loop {
            let r = sign_in(s, &format!("nobody-{n}"), "wrong password");
            n += 1;
            if r.status == 429 {
                break r;
            }
            assert_eq!(r.status, 401, "{r:?}");
            assert!(n < 100, "the address is never throttled");
        };
        let secs = retry_after(&refused);
        // Even an account never tried before is refused from this address.
        retry_after(&sign_in(s, "analyst", PASSWORD));
        wait(s, secs);
        assert_eq!(sign_in(s, "analyst", PASSWORD).status, 200);
    });
}

/// Tickets filed without a login (issue 15's QR form and the public API):
/// 30 an hour from one address go through, the next is refused with 429
/// and Retry-After, on the phone form in the person's language too; once
/// the wait is over the address files again.
#[test]
fn one_address_filing_tickets_without_a_login_is_slowed() {
    each_backend(|s| {
        let file = || {
            s.send(req("POST", "/api/v1/public/tickets").json(&json!({
                "category": "consultation",
                "summary": "想了解平台骑手的职业伤害保障",
                "complainant_name": "王五",
                "complainant_phone": "13900003333",
                "district": "思明区"
            })))
        };
        for n in 1..=30 {
            let r = file();
            assert_eq!(r.status, 201, "filing {n}: {r:?}");
        }
        let secs = retry_after(&file());
        let form = s.send(req("POST", "/q").raw(
            "application/x-www-form-urlencoded",
            "category=consultation&summary=x&complainant_name=x&complainant_phone=13900003333",
        ));
        assert_eq!(form.status, 429, "{form:?}");
        assert!(form.body.contains("qr-throttled"), "{}", form.body);
        assert!(form.body.contains("请"), "in Chinese: {}", form.body);
        wait(s, secs);
        assert_eq!(file().status, 201, "filed again after the wait");
    });
}
