//! The statistics of an audit, each a closed formula: Wilson score intervals and the median.

/// The two-sided 95 % normal quantile, `Φ⁻¹(0.975)`.
pub const Z95: f64 = 1.959_963_984_540_053_6;

/// A confidence interval `[low, high]` within `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The Wilson score interval of `successes` out of `n` at normal quantile `z`:
/// `(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`. `None` when `n = 0`.
pub fn wilson(successes: usize, n: usize, z: f64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let (x, n) = (successes.min(n) as f64, n as f64);
    let p = x / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval { low: (centre - half).max(0.0), high: (centre + half).min(1.0) })
}

/// The median of `values` (the mean of the two middle values for an even count); `None` when
/// empty. NaN values sort last, as [`f64::total_cmp`] puts them.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 { v[mid] } else { (v[mid - 1] + v[mid]) / 2.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn wilson_interval_matches_values_computed_by_hand() {
        // Python stdlib: z = statistics.NormalDist().inv_cdf(0.975)
        // p=x/n; d=1+z*z/n; c=(p+z*z/(2*n))/d; h=z/d*math.sqrt(p*(1-p)/n+z*z/(4*n*n))
        // x=3, n=10 -> (0.10779126740630104, 0.6032218525388545)
        let i = wilson(3, 10, Z95).expect("n > 0");
        assert!(close(i.low, 0.107_791_267_406_301_04) && close(i.high, 0.603_221_852_538_854_5), "{i:?}");
        // x=0, n=5 -> (0.0, 0.43448246478317465): the lower bound is exactly 0.
        let i = wilson(0, 5, Z95).expect("n > 0");
        assert!(close(i.low, 0.0) && close(i.high, 0.434_482_464_783_174_65), "{i:?}");
        // x=n=4 -> (0.5101091635454027, 1.0)
        let i = wilson(4, 4, Z95).expect("n > 0");
        assert!(close(i.low, 0.510_109_163_545_402_7) && close(i.high, 1.0), "{i:?}");
        assert_eq!(wilson(0, 0, Z95), None);
    }

    #[test]
    fn median_takes_the_middle_or_the_mean_of_the_two_middles() {
        assert_eq!(median(&[0.3, 0.1, 0.2]), Some(0.2));
        assert_eq!(median(&[0.4, 0.1, 0.2, 0.3]), Some(0.25));
        assert_eq!(median(&[]), None);
    }
}
