//! `uniffi-bindgen`, built from the same uniffi as `paycore-mobile`:
//! `cargo run -p uniffi-bindgen -- generate --library <libpaycore_mobile.so> --language kotlin --out-dir <dir> --no-format`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
