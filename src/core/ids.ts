import { randomFillSync } from 'node:crypto';

// Time-sortable ids (ULID layout: 48-bit ms time + 80 random bits, Crockford base32), so ids sort
// like events and stay unique across processes without coordination. Detection mints one per alert,
// so the time part is encoded once per millisecond and the random part kept as 16 base32 digits
// that a same-millisecond id increments in place.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let timePart = '';
/** The random part, one base32 digit (0–31) per entry, most significant first. */
const digits = new Uint8Array(16);
// Random bytes drawn 4 KB at a time: one randomFillSync per id costs more than the rest of it.
const pool = new Uint8Array(4096);
let poolAt = pool.length;

function encodeTime(now: number): string {
  let out = '';
  let t = now;
  for (let i = 0; i < 10; i++) { out = ALPHABET[t % 32] + out; t = Math.floor(t / 32); }
  return out;
}

function freshRandom(): void {
  if (poolAt + 10 > pool.length) { randomFillSync(pool); poolAt = 0; }
  // 80 bits → 16 digits of 5 bits
  let bits = 0, acc = 0, d = 0;
  for (let i = 0; i < 10; i++) {
    acc = ((acc << 8) | pool[poolAt++]) & 0xfff;
    bits += 8;
    while (bits >= 5) { bits -= 5; digits[d++] = (acc >> bits) & 31; }
  }
}

/** Monotonic within one millisecond: the 80-bit random part plus one (wrapping, as ULID's does not). */
function increment(): void {
  for (let i = 15; i >= 0; i--) {
    if (digits[i] === 31) digits[i] = 0;
    else { digits[i]++; return; }
  }
}

export function newId(now: number = Date.now()): string {
  if (now === lastTime) increment();
  else {
    freshRandom();
    timePart = encodeTime(now);
    lastTime = now;
  }
  let out = timePart;
  for (let i = 0; i < 16; i++) out += ALPHABET[digits[i]];
  return out;
}
