//! Accounts and tokens: an administrator disables and enables accounts and
//! revokes tokens, in force from the next request; inputs that used to be
//! 500s are 422 with the field; a third party cannot lock a login out from
//! another address.

use std::io::{Read, Write};

use serde_json::json;

use crate::api_common::{PASSWORD, Resp, TestServer, each_backend, req};

fn session(s: &TestServer, login: &str) -> (String, String) {
    let r =
        s.send(req("POST", "/api/v1/session").json(&json!({"login": login, "password": PASSWORD})));
    assert_eq!(r.status, 200, "{}", r.body);
    let cookie = r
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    (cookie, r.json()["csrf_token"].as_str().unwrap().to_owned())
}

fn me_by_cookie(s: &TestServer, cookie: &str) -> Resp {
    s.send(req("GET", "/api/v1/me").header("Cookie", cookie))
}

fn token_ids(s: &TestServer, login: &str) -> Vec<(i64, bool)> {
    let list = s.send(req("GET", "/api/v1/accounts?limit=1000").bearer(s.token("administrator")));
    assert_eq!(list.status, 200, "{}", list.body);
    let items = list.json()["items"].as_array().unwrap().clone();
    let account = items
        .iter()
        .find(|a| a["login"] == login)
        .unwrap_or_else(|| panic!("{login} is listed"));
    account["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_i64().unwrap(), t["revoked_at"].is_null()))
        .collect()
}

#[test]
fn a_disabled_accounts_sessions_and_tokens_stop_on_the_next_request_and_enabling_restores_the_tokens()
 {
    each_backend(|s| {
        let admin = s.token("administrator");
        let (cookie, _) = session(s, "clerk");
        // Both work, and the token is now in the server's cache.
        assert_eq!(me_by_cookie(s, &cookie).status, 200);
        assert_eq!(
            s.send(req("GET", "/api/v1/me").bearer(s.token("clerk")))
                .status,
            200
        );

        let r = s.send(req("POST", "/api/v1/accounts/clerk/disable").bearer(admin));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.json()["disabled"], true);
        let r = s.send(req("GET", "/api/v1/me").bearer(s.token("clerk")));
        assert_eq!((r.status, r.code()), (401, "unauthenticated".into()));
        assert_eq!(me_by_cookie(s, &cookie).status, 401);
        let login = s.send(
            req("POST", "/api/v1/session").json(&json!({"login": "clerk", "password": PASSWORD})),
        );
        assert_eq!(login.status, 401, "{}", login.body);
        let listed = s.send(req("GET", "/api/v1/accounts").bearer(admin));
        let clerk = listed.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["login"] == "clerk")
            .cloned()
            .unwrap();
        assert_eq!(clerk["disabled"], true);

        let r = s.send(req("POST", "/api/v1/accounts/clerk/enable").bearer(admin));
        assert_eq!(
            (r.status, r.json()["disabled"].clone()),
            (200, json!(false))
        );
        assert_eq!(
            s.send(req("GET", "/api/v1/me").bearer(s.token("clerk")))
                .status,
            200
        );
        // The sessions ended with the disabling and do not come back.
        assert_eq!(me_by_cookie(s, &cookie).status, 401);
        session(s, "clerk");
    });
}

#[test]
fn a_revoked_token_stops_on_the_next_request() {
    each_backend(|s| {
        let admin = s.token("administrator");
        let feed = s.token("unit_a");
        assert_eq!(s.send(req("GET", "/api/v1/me").bearer(feed)).status, 200);
        let ids = token_ids(s, "unit_a");
        assert_eq!(ids.len(), 1);
        let (id, live) = ids[0];
        assert!(live);
        // Only an administrator revokes.
        let r = s.send(req("DELETE", format!("/api/v1/tokens/{id}")).bearer(s.token("clerk")));
        assert_eq!((r.status, r.code()), (403, "forbidden".into()));
        let r = s.send(req("DELETE", format!("/api/v1/tokens/{id}")).bearer(admin));
        assert_eq!(r.status, 204, "{}", r.body);
        let r = s.send(req("GET", "/api/v1/me").bearer(feed));
        assert_eq!((r.status, r.code()), (401, "unauthenticated".into()));
        assert_eq!(token_ids(s, "unit_a"), vec![(id, false)]);
        let again = s.send(req("DELETE", format!("/api/v1/tokens/{id}")).bearer(admin));
        assert_eq!((again.status, again.code()), (404, "not_found".into()));
    });
}

/// A revocation or a disabling done elsewhere (the command line, another
/// server process: here the application behind this server's back, so that
/// its token cache is not emptied) stops the token on the next request too.
#[test]
fn a_token_revoked_or_an_account_disabled_elsewhere_stops_on_the_next_request() {
    each_backend(|s| {
        let feed = s.token("unit_a");
        let clerk = s.token("clerk");
        // Both accounts are remembered by the server now.
        assert_eq!(s.send(req("GET", "/api/v1/me").bearer(feed)).status, 200);
        assert_eq!(s.send(req("GET", "/api/v1/me").bearer(clerk)).status, 200);
        let elsewhere = gongshang_app::accounts::Actor::local_administrator("cli");
        let (id, _) = token_ids(s, "unit_a")[0];
        s.app.revoke_api_token(&elsewhere, id).unwrap();
        let r = s.send(req("GET", "/api/v1/me").bearer(feed));
        assert_eq!((r.status, r.code()), (401, "unauthenticated".into()));
        s.app
            .set_account_disabled(&elsewhere, "clerk", true)
            .unwrap();
        let r = s.send(req("GET", "/api/v1/me").bearer(clerk));
        assert_eq!((r.status, r.code()), (401, "unauthenticated".into()));
        s.app
            .set_account_disabled(&elsewhere, "clerk", false)
            .unwrap();
        assert_eq!(s.send(req("GET", "/api/v1/me").bearer(clerk)).status, 200);
    });
}

#[test]
fn only_administrators_manage_accounts_and_not_their_own_disabling() {
    each_backend(|s| {
        for who in ["clerk", "reviewer", "unit_a", "worker_1", "analyst"] {
            let r = s.send(req("GET", "/api/v1/accounts").bearer(s.token(who)));
            assert_eq!((r.status, r.code()), (403, "forbidden".into()), "{who}");
            let r = s.send(req("POST", "/api/v1/accounts/clerk/disable").bearer(s.token(who)));
            assert_eq!((r.status, r.code()), (403, "forbidden".into()), "{who}");
        }
        let admin = s.token("administrator");
        let r = s.send(req("POST", "/api/v1/accounts/administrator/disable").bearer(admin));
        assert_eq!(
            (r.status, r.field()),
            (422, Some("login".into())),
            "{}",
            r.body
        );
        let r = s.send(req("POST", "/api/v1/accounts/nobody/disable").bearer(admin));
        assert_eq!((r.status, r.code()), (404, "not_found".into()));
    });
}

#[test]
fn an_unknown_unit_kind_and_an_empty_token_label_are_422_with_the_field() {
    each_backend(|s| {
        let admin = s.token("administrator");
        let r = s.send(
            req("POST", "/api/v1/accounts/clerk/tokens")
                .bearer(admin)
                .json(&json!({"label": "  "})),
        );
        assert_eq!(
            (r.status, r.code(), r.field()),
            (422, "invalid".into(), Some("label".into())),
            "{}",
            r.body
        );
        let unit = crate::api_common::credit(77);
        let r = s.send(req("POST", "/api/v1/units").bearer(admin).json(&json!({
            "credit_code": unit.as_str(), "name": "单位", "kind": "spaceship",
            "region": "440106", "industry_class": 2
        })));
        assert_eq!(
            (r.status, r.code(), r.field()),
            (422, "invalid".into(), Some("kind".into())),
            "{}",
            r.body
        );
    });
}

/// Signs in as `login` over a connection from `from` (a loopback address
/// of its own: Linux answers on all of 127.0.0.0/8).
fn sign_in_from(s: &TestServer, from: &str, login: &str, password: &str) -> u16 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let socket = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
        socket.connect(s.addr).await.unwrap()
    });
    let mut stream = socket.into_std().unwrap();
    stream.set_nonblocking(false).unwrap();
    let body = json!({"login": login, "password": password}).to_string();
    write!(
        stream,
        "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap()
}

#[test]
fn failing_a_login_from_one_address_does_not_lock_it_for_another() {
    each_backend(|s| {
        // The attacker fails the clerk's login until it is locked for them.
        let mut locked = false;
        for _ in 0..12 {
            if sign_in_from(s, "127.0.0.2", "clerk", "wrong password") == 429 {
                locked = true;
                break;
            }
        }
        assert!(locked, "the attacker's address is never slowed");
        // The clerk, from their own address, signs in.
        assert_eq!(sign_in_from(s, "127.0.0.3", "clerk", PASSWORD), 200);
        assert_eq!(sign_in_from(s, "127.0.0.2", "clerk", PASSWORD), 429);
    });
}
