//! Random identifiers and secrets.

use rand::Rng;
use rand::distr::Alphanumeric;

/// A new object id: `prefix_` followed by 24 random alphanumerics (~142 bits).
pub fn new_id(prefix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + 25);
    s.push_str(prefix);
    s.push('_');
    s.extend(
        rand::rng()
            .sample_iter(&Alphanumeric)
            .take(24)
            .map(char::from),
    );
    s
}

/// `n` random bytes from the operating system's CSPRNG (via `rand`'s thread rng).
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    rand::rng().fill(v.as_mut_slice());
    v
}
