//! The committed openapi.json is the one the handlers generate.

#[test]
fn the_committed_openapi_json_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.json");
    let generated = gongshang_server::openapi::json();
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.json differs from what the handlers generate; regenerate it with\n  \
         cargo run -p gongshang-cli -- openapi > openapi.json\nor\n  \
         UPDATE_OPENAPI=1 cargo test -p gongshang-server openapi\nand commit it"
    );
}
