//! Full-jitter exponential backoff, with the random value passed in.
//!
//! `delay = random * min(cap, base * 2^(attempt - 1))` ("full jitter", AWS
//! Architecture Blog "Exponential Backoff and Jitter"; smithy-rs
//! `calculate_exponential_backoff`). The ceiling saturates at `cap` however
//! large `attempt` is, and the product is taken in `f64` over nanoseconds and
//! floored, so the Python, Node and Kotlin ports reproduce it exactly:
//!
//! ```text
//! ceiling_ns = min(cap_ns, base_ns * 2^(attempt-1))
//! delay_ns   = floor(ceiling_ns * random)
//! ```
//!
//! ```
//! use std::time::Duration;
//! use paycore::retry::{backoff_ceiling, exponential_backoff};
//!
//! let base = Duration::from_millis(50);
//! let cap = Duration::from_secs(20);
//! assert_eq!(backoff_ceiling(base, cap, 3), Duration::from_millis(200));
//! assert_eq!(exponential_backoff(base, cap, 3, 0.5), Duration::from_millis(100));
//! // Huge attempt numbers saturate at the cap instead of overflowing.
//! assert_eq!(backoff_ceiling(base, cap, u32::MAX), cap);
//! ```

use std::time::Duration;

/// The upper bound of the jittered delay after failed attempt `attempt`
/// (1-based): `min(cap, base * 2^(attempt - 1))`, saturating at `cap`.
///
/// `attempt` 0 is treated as 1.
pub fn backoff_ceiling(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let exponent = attempt.saturating_sub(1);
    match 1u32
        .checked_shl(exponent)
        .and_then(|factor| base.checked_mul(factor))
    {
        Some(d) => d.min(cap),
        // 2^(attempt-1) or the product overflowed: the ceiling is the cap,
        // unless the base is zero (zero times anything is zero).
        None if base.is_zero() => Duration::ZERO,
        None => cap,
    }
}

/// Scales `ceiling` by `random`: `floor(ceiling_ns * random)` nanoseconds.
///
/// `random` is meant to be uniform in `[0, 1)`. Values outside are clamped into
/// `[0, 1]` and NaN counts as `0`, so the result never exceeds `ceiling`.
pub fn full_jitter(ceiling: Duration, random: f64) -> Duration {
    let r = clamp_unit(random);
    let ceiling_ns = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    // `as` from f64 to u64 floors positive values and saturates: no panic.
    let ns = (ceiling_ns as f64 * r) as u64;
    Duration::from_nanos(ns).min(ceiling)
}

/// Full-jitter exponential backoff: `full_jitter(backoff_ceiling(base, cap,
/// attempt), random)`.
pub fn exponential_backoff(base: Duration, cap: Duration, attempt: u32, random: f64) -> Duration {
    full_jitter(backoff_ceiling(base, cap, attempt), random)
}

/// Turns 64 random bits into a uniform `f64` in `[0, 1)` (the top 53 bits,
/// scaled by 2^-53), for callers whose random source yields integers.
pub fn unit_interval_from_bits(bits: u64) -> f64 {
    const SCALE: f64 = 1.0 / (1u64 << 53) as f64;
    (bits >> 11) as f64 * SCALE
}

fn clamp_unit(r: f64) -> f64 {
    if r.is_nan() { 0.0 } else { r.clamp(0.0, 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn ceiling_doubles_then_caps() {
        let cap = Duration::from_secs(20);
        let got: Vec<_> = (0..=12).map(|n| backoff_ceiling(MS(50), cap, n)).collect();
        let want = [
            50, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 20000, 20000, 20000,
        ];
        assert_eq!(got, want.map(MS));
        assert_eq!(backoff_ceiling(MS(1000), cap, 5), MS(16000));
        assert_eq!(backoff_ceiling(MS(1000), cap, 6), cap);
    }

    #[test]
    fn huge_inputs_saturate() {
        let cap = Duration::from_secs(20);
        for n in [31, 32, 33, 64, 1000, u32::MAX] {
            assert_eq!(backoff_ceiling(MS(50), cap, n), cap, "attempt {n}");
        }
        assert_eq!(
            backoff_ceiling(Duration::MAX, Duration::MAX, 2),
            Duration::MAX
        );
        assert!(full_jitter(Duration::MAX, 0.999) <= Duration::MAX);
        assert_eq!(
            backoff_ceiling(Duration::ZERO, cap, u32::MAX),
            Duration::ZERO
        );
    }

    #[test]
    fn jitter_is_floor_of_product_and_clamped() {
        assert_eq!(full_jitter(MS(50), 0.5), MS(25));
        assert_eq!(full_jitter(MS(50), 0.0), Duration::ZERO);
        assert_eq!(full_jitter(MS(50), 1.0), MS(50));
        assert_eq!(full_jitter(MS(50), 7.0), MS(50));
        assert_eq!(full_jitter(MS(50), -1.0), Duration::ZERO);
        assert_eq!(full_jitter(MS(50), f64::NAN), Duration::ZERO);
        // 3 ns * 0.5 = 1.5 -> 1 ns.
        assert_eq!(
            full_jitter(Duration::from_nanos(3), 0.5),
            Duration::from_nanos(1)
        );
    }

    #[test]
    fn unit_interval() {
        assert_eq!(unit_interval_from_bits(0), 0.0);
        assert!(unit_interval_from_bits(u64::MAX) < 1.0);
        assert_eq!(unit_interval_from_bits(1 << 63), 0.5);
    }
}
