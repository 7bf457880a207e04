import { randomBytes } from 'node:crypto';

// Time-sortable ids (ULID layout: 48-bit ms time + 80 random bits, Crockford base32), so ids sort
// like events and stay unique across processes without coordination.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom: Uint8Array<ArrayBuffer> = new Uint8Array(10);

export function newId(now: number = Date.now()): string {
  let rand: Uint8Array<ArrayBuffer>;
  if (now === lastTime) {
    // Monotonic within the same millisecond: increment the previous random part.
    rand = lastRandom.slice();
    for (let i = rand.length - 1; i >= 0; i--) {
      if (rand[i] === 255) rand[i] = 0;
      else { rand[i]++; break; }
    }
  } else {
    rand = new Uint8Array(randomBytes(10));
  }
  lastTime = now;
  lastRandom = rand;
  let out = '';
  let t = now;
  for (let i = 0; i < 10; i++) { out = ALPHABET[t % 32] + out; t = Math.floor(t / 32); }
  // 80 bits → 16 base32 chars
  let bits = 0, acc = 0;
  for (const b of rand) {
    acc = (acc << 8) | b; bits += 8;
    while (bits >= 5) { bits -= 5; out += ALPHABET[(acc >> bits) & 31]; }
  }
  return out;
}
