import { randomUUID } from "node:crypto";

/** A source of pseudo-random numbers and ids; deterministic when built from a seed. */
export interface RandomSource {
  /** A float in [0, 1). */
  next(): number;
  /** An RFC 4122 version-4-shaped UUID. */
  uuid(): string;
  /** `length` lowercase hex characters. */
  hex(length: number): string;
}

/**
 * A seeded source (sfc32 over a cyrb128 hash of the seed) when `seed` is given, else one
 * backed by `node:crypto`. Separate streams (`${seed}:ids`, `${seed}:faults`) keep fault
 * decisions independent of how many ids were generated before them.
 */
export function createRandom(seed?: string | number): RandomSource {
  if (seed === undefined) return cryptoRandom();
  const next = sfc32(...cyrb128(String(seed)));
  // By table, not toString(16): a 32-bit value is a heap number, whose radix conversion
  // costs ~0.5 us, four times per UUID.
  const word = (): string => {
    const n = Math.floor(next() * 0x1_0000_0000);
    return HEX_BYTES[n >>> 24]! + HEX_BYTES[(n >>> 16) & 0xff]! + HEX_BYTES[(n >>> 8) & 0xff]! + HEX_BYTES[n & 0xff]!;
  };
  const hex = (length: number): string => {
    let out = "";
    while (out.length < length) out += word();
    return out.slice(0, length);
  };
  // Built from four words directly: a bulk add of 100 users makes 100 of these per request,
  // and the emulator's time per request is counted in every benchmark figure.
  const uuid = (): string => {
    const [a, b, c, d] = [word(), word(), word(), word()];
    const variant = VARIANT_DIGITS[parseInt(c[0] as string, 16) & 0x3];
    return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  };
  return { next, hex, uuid };
}

/** "00" to "ff". */
const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** RFC 4122 variant bits 10xx: the first digit of the fourth group is one of these. */
const VARIANT_DIGITS = ["8", "9", "a", "b"] as const;

function cryptoRandom(): RandomSource {
  return {
    next: Math.random,
    uuid: randomUUID,
    hex: (length) => {
      let out = "";
      while (out.length < length) out += randomUUID().replace(/-/g, "");
      return out.slice(0, length);
    },
  };
}

function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
