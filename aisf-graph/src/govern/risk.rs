//! The risk score of a finding.
//!
//! A finding's score combines five things, weighted by the policy's
//! `[risk]` section ([`RiskWeights`]):
//!
//! ```text
//! raw   = severity × tier × (1 + (exposure·E + duration·D + breadth·B) / 4)
//! score = round(100 × raw / max_raw)
//! ```
//!
//! - **severity**: the weight of the finding's severity
//!   (`[risk.severity]`: info 0, low 1, medium 3, high 6, critical 10);
//! - **tier**: the multiplier of the most privileged tier the subject
//!   reaches (`[risk] tier`: 4, 2, 1.5, 1 for tiers 0 to 3), or `untiered`
//!   (1) when it reaches no privileged object;
//! - **E**, exposure, from 0 to 1: the mean of three signs that the access
//!   is easy to abuse: the account has no MFA, the identity is external
//!   (a contractor, guest, external or vendor), the subject reaches tier 0;
//! - **D**, duration, from 0 to 1: days since the finding began to stand,
//!   over a year (capped);
//! - **B**, breadth, from 0 to 1: `ln(1 + n) / ln(1001)` for `n`
//!   entitlements held (capped).
//!
//! `max_raw` is the largest `raw` the weights allow, so the score runs
//! from 0 to 100. The modifiers add at most half again (with the default
//! weights) to `severity × tier`; severity and tier dominate, and the
//! weights guarantee, for instance, that a stale tier-1 account (high,
//! 6 × 2 = 12) outranks any stale unprivileged one (low, at most
//! 1 × 1 × 1.5), and that an active account of a leaver reaching tier 0
//! (critical, 10 × 4 = 40) outranks any stale account (at most
//! 6 × 4 × 1.5 = 36).
//!
//! Findings are ordered by `raw`, not by the rounded score.

use aisf_core::finding::RiskFactors;
use aisf_core::policy::{RiskWeights, Severity};

/// Days over which duration grows from 0 to 1.
const DURATION_SPAN_DAYS: f64 = 365.0;
/// Entitlement count at which breadth reaches 1.
const BREADTH_SPAN: f64 = 1000.0;

/// The tier multiplier of `tier` (or `untiered`).
fn tier_weight(w: &RiskWeights, tier: Option<u8>) -> f64 {
    match tier {
        Some(t) => w.tier[usize::from(t.min(3))],
        None => w.untiered,
    }
}

/// The exposure, duration and breadth terms, each from 0 to 1.
pub fn modifiers(f: &RiskFactors) -> (f64, f64, f64) {
    let flags = [f.no_mfa, f.external, f.tier0];
    let exposure = flags.iter().filter(|&&b| b).count() as f64 / flags.len() as f64;
    let duration = f.days.map_or(0.0, |d| (f64::from(d) / DURATION_SPAN_DAYS).min(1.0));
    let breadth = ((1.0 + f.entitlements as f64).ln() / (1.0 + BREADTH_SPAN).ln()).min(1.0);
    (exposure, duration, breadth)
}

/// The unrounded score.
pub fn raw(w: &RiskWeights, severity: Severity, f: &RiskFactors) -> f64 {
    let (e, d, b) = modifiers(f);
    let spread = (w.exposure * e + w.duration * d + w.breadth * b) / 4.0;
    w.severity.get(severity) * tier_weight(w, f.tier) * (1.0 + spread)
}

/// The largest unrounded score the weights allow.
pub fn max_raw(w: &RiskWeights) -> f64 {
    let sev = Severity::ALL.iter().map(|&s| w.severity.get(s)).fold(0.0, f64::max);
    let tier = w.tier.iter().copied().fold(w.untiered, f64::max);
    sev * tier * (1.0 + (w.exposure + w.duration + w.breadth) / 4.0)
}

/// The score from 0 to 100, with `factors.raw` filled in.
pub fn score(w: &RiskWeights, severity: Severity, factors: &mut RiskFactors) -> u8 {
    factors.raw = raw(w, severity, factors);
    let max = max_raw(w);
    if max <= 0.0 {
        return 0;
    }
    (100.0 * factors.raw / max).round().clamp(0.0, 100.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factors(tier: Option<u8>) -> RiskFactors {
        RiskFactors { tier, tier0: tier == Some(0), ..RiskFactors::default() }
    }

    #[test]
    fn the_worst_case_scores_100_and_nothing_scores_0() {
        let w = RiskWeights::default();
        let mut worst = RiskFactors {
            tier: Some(0),
            no_mfa: true,
            external: true,
            tier0: true,
            days: Some(10_000),
            entitlements: 1_000_000,
            raw: 0.0,
        };
        assert_eq!(score(&w, Severity::Critical, &mut worst), 100);
        assert_eq!(score(&w, Severity::Info, &mut worst), 0);
    }

    #[test]
    fn severity_and_tier_dominate_the_modifiers() {
        let w = RiskWeights::default();
        let mut best_stale = RiskFactors {
            no_mfa: true,
            external: true,
            days: Some(10_000),
            entitlements: 1_000_000,
            ..factors(Some(0))
        };
        let mut plain_leaver = factors(Some(0));
        plain_leaver.no_mfa = false;
        let stale = raw(&w, Severity::High, &best_stale);
        let leaver = raw(&w, Severity::Critical, &plain_leaver);
        assert!(leaver > stale, "{leaver} <= {stale}");
        let _ = score(&w, Severity::High, &mut best_stale);
    }

    #[test]
    fn zero_weights_give_zero_not_nan() {
        let mut w = RiskWeights::default();
        w.severity.critical = 0.0;
        w.severity.high = 0.0;
        w.severity.medium = 0.0;
        w.severity.low = 0.0;
        let mut f = factors(None);
        assert_eq!(score(&w, Severity::High, &mut f), 0);
    }
}
