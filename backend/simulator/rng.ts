// Seeded randomness for the simulator: sfc32 generators keyed by (seed, stream name, epoch), a
// 53-bit uniform and a Marsaglia-polar standard normal. Every generator's full state, including
// the polar method's cached spare, is plain JSON so a checkpoint can continue a path exactly.
//
// One stream per name (each symbol's, and the market's, keyed by a name no symbol can take) means
// adding or removing a symbol never shifts the draws of the others.

/** The whole state of one generator: sfc32's four 32-bit words and the normal sampler's spare. */
export interface RngState {
  s: [number, number, number, number];
  spare: number | null;
}

export interface Rng {
  /** Uniform unsigned 32-bit integer. */
  next32(): number;
  /** Uniform in [0, 1) with 53 bits of precision. */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** A copy of the current state; `createRng(rng.getState())` continues identically. */
  getState(): RngState;
}

const TWO_POW_32 = 0x1_0000_0000;
const TWO_POW_26 = 0x400_0000;
const TWO_POW_53 = 0x20_0000_0000_0000;
// sfc32's author recommends discarding the first outputs so weakly-mixed seeds decorrelate.
const WARM_UP_ROUNDS = 15;
// Domain separation for the key (market model 1 also keyed a market stream in another domain).
const SYMBOL_DOMAIN = 0x53594d42; // 'SYMB'
// One odd constant per output word, so the four words absorb the same inputs differently.
const LANE_CONSTANTS = [0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5ced1a3b];

/** The splitmix32 / murmur3 finaliser: a bijection on 32-bit words with full avalanche. */
export function mix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over UTF-16 code units: a stable 32-bit key for a stream name. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
}

/** Splits a safe integer into its low and high 32-bit words so all 53 bits reach the key. */
function seedWords(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / TWO_POW_32) >>> 0];
}

/** Absorbs the key words into 128 bits of sfc32 state, then warms the generator up. */
function keyedState(words: number[]): RngState {
  const s = LANE_CONSTANTS.map((lane) => {
    let h = lane;
    for (const word of words) h = mix32((h ^ word) + lane);
    return h;
  }) as RngState['s'];
  const rng = createRng({ s, spare: null });
  for (let i = 0; i < WARM_UP_ROUNDS; i++) rng.next32();
  return rng.getState();
}

/**
 * The stream of one name (a symbol's, or one of the market's). `epoch` separates paths resumed
 * from a log (keyed by its last id) from the original one.
 */
export function symbolStream(seed: number, symbol: string, epoch = 0): RngState {
  assertSeed(seed);
  return keyedState([SYMBOL_DOMAIN, ...seedWords(seed), hashString(symbol), symbol.length, ...seedWords(epoch)]);
}

/** A generator continuing from `state` (which is copied, never shared). */
export function createRng(state: RngState): Rng {
  let [a, b, c, d] = state.s;
  let spare = state.spare;

  function next32(): number {
    // sfc32 (Chris Doty-Humphrey, PractRand): 128-bit state, passes BigCrush, all 32-bit ops.
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }

  function uniform(): number {
    // 27 + 26 bits: every double in [0, 1) on the 2^-53 grid is equally likely.
    return ((next32() >>> 5) * TWO_POW_26 + (next32() >>> 6)) / TWO_POW_53;
  }

  function normal(): number {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    // Marsaglia polar: exact normals from uniforms in the unit disc; each accepted pair yields
    // two, and the second is kept as state so a restored generator hands out the same value.
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * uniform() - 1;
      v = 2 * uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    spare = v * m;
    return u * m;
  }

  function getState(): RngState {
    return { s: [a >>> 0, b >>> 0, c >>> 0, d >>> 0], spare };
  }

  return { next32, uniform, normal, getState };
}

/** Structural check for state read back from a checkpoint. */
export function isRngState(value: unknown): value is RngState {
  if (typeof value !== 'object' || value === null) return false;
  const { s, spare } = value as Partial<RngState>;
  const wordsOk =
    Array.isArray(s) && s.length === 4 && s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32);
  const spareOk = spare === null || (typeof spare === 'number' && Number.isFinite(spare));
  return wordsOk && spareOk;
}
