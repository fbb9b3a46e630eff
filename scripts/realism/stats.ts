// The statistics behind `npm run realism` and the market-model tests, one definition each so the
// table and the tests measure the same thing. Plain functions over number arrays.

export function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return sum / xs.length;
}

export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += (xs[i] - m) ** 2;
  return sum / xs.length;
}

/** Sample autocorrelation at `lag` (the standard estimator: autocovariance over n / variance). */
export function acf(xs: ArrayLike<number>, lag: number): number {
  const n = xs.length;
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    den += d * d;
    if (i + lag < n) num += d * (xs[i + lag] - m);
  }
  return den > 0 ? num / den : 0;
}

/** Regularised upper incomplete gamma Q(a, x) (Numerical Recipes: series below a + 1, else Lentz). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnGammaA = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let k = 1; k < 500; k++) {
      term *= x / (a + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lnGammaA);
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGammaA) * h;
}

/** ln Γ(x) (Lanczos, g = 7). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(χ²_k > x). */
export function chiSquareSurvival(x: number, k: number): number {
  return gammaQ(k / 2, x / 2);
}

/** Ljung-Box Q over lags 1..h and its p-value against χ²_h. */
export function ljungBox(xs: ArrayLike<number>, lags: number): { q: number; p: number } {
  const n = xs.length;
  let q = 0;
  for (let k = 1; k <= lags; k++) q += acf(xs, k) ** 2 / (n - k);
  q *= n * (n + 2);
  return { q, p: chiSquareSurvival(q, lags) };
}

/** Sample excess kurtosis m4/m2² − 3. */
export function excessKurtosis(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < xs.length; i++) {
    const d2 = (xs[i] - m) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= xs.length;
  m4 /= xs.length;
  return m4 / (m2 * m2) - 3;
}

/** Hill estimator of the tail index of |x| from the largest `fraction` of the sample. */
export function hillTailIndex(xs: ArrayLike<number>, fraction = 0.02): number {
  const abs = Float64Array.from(xs, Math.abs).sort().reverse();
  const k = Math.max(2, Math.floor(abs.length * fraction));
  const threshold = abs[k];
  let sum = 0;
  for (let i = 0; i < k; i++) sum += Math.log(abs[i] / threshold);
  return k / sum;
}

export function correlation(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Roll's (1984) implied spread from consecutive trade prices: 2·√(−Cov(Δp_t, Δp_{t−1})), the
 * covariance pooled over `runs` (e.g. one run per symbol and session, so no change spans a gap).
 * NaN when the covariance is positive (no bounce).
 */
export function rollSpread(runs: ArrayLike<number>[]): number {
  let sum = 0;
  let count = 0;
  let sumA = 0;
  let sumB = 0;
  for (const p of runs) {
    for (let i = 2; i < p.length; i++) {
      const a = p[i] - p[i - 1];
      const b = p[i - 1] - p[i - 2];
      sum += a * b;
      sumA += a;
      sumB += b;
      count += 1;
    }
  }
  const cov = sum / count - (sumA / count) * (sumB / count);
  return cov < 0 ? 2 * Math.sqrt(-cov) : NaN;
}

/** Median of a sample (NaNs dropped). */
export function median(xs: ArrayLike<number>): number {
  const sorted = Array.from(xs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
