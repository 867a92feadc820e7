//! A small seeded generator (SplitMix64) and an integer normal deviate: the
//! same seed gives the same population and the same bands on every machine.

/// SplitMix64 (Steele, Lea and Flood 2014): 64 bits of state, good enough
/// for sampling a population and claim counts, and fast.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by the multiply-shift of Lemire.
    pub fn below(&mut self, n: u64) -> u64 {
        u64::try_from((u128::from(self.next_u64()) * u128::from(n)) >> 64).unwrap_or(0)
    }

    /// A standard normal deviate in thousandths: the sum of twelve uniforms
    /// on 0..1000 less 6000 (Irwin-Hall; mean 0, standard deviation 1000).
    pub fn normal_milli(&mut self) -> i64 {
        let mut s: i64 = 0;
        for _ in 0..12 {
            s += i64::try_from(self.below(1001)).unwrap_or(0);
        }
        s - 6000
    }
}

/// A seed for one stream from a seed and the stream's coordinates.
pub fn stream(seed: u64, parts: &[u64]) -> u64 {
    let mut g = SplitMix64::new(seed);
    let mut h = g.next_u64();
    for &p in parts {
        g = SplitMix64::new(h ^ p.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        h = g.next_u64();
    }
    h
}

/// The integer square root (floor).
pub fn isqrt(n: i64) -> i64 {
    if n <= 0 {
        return 0;
    }
    let n = u64::try_from(n).unwrap_or(0);
    let mut x = n;
    let mut y = x.div_ceil(2);
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    i64::try_from(x).unwrap_or(0)
}
