// A few short substrings ("anchors") such that every literal of a set contains at least one: when a
// text holds none of them, it holds none of the literals, and one native regular-expression test
// (anchorPattern) proves that far faster than a character-by-character multi-literal scan. Used for
// keyword rules, whose literals must be looked for in every value of every event of their logsource
// (SigmaHQ's "Mimikatz Use": twenty literals, three anchors: "::", "kiwi", "mimi").
//
// Greedy set cover over the literals' substrings of ANCHOR_MIN..ANCHOR_MAX characters: take the one in
// the most uncovered literals (the longer on ties, as it is rarer in text), until all are covered.

const ANCHOR_MIN = 2;
const ANCHOR_MAX = 4;

/** The non-ASCII characters whose toLowerCase() holds an ASCII character (a regex class). */
export const TO_ASCII_WHEN_LOWERED = '[\\u0130\\u212a]';

/** Anchors covering every literal, or undefined when more than `max` would be needed. */
export function anchorsFor(literals: readonly string[], max = 6): string[] | undefined {
  if (literals.some((l) => l.length === 0)) return undefined;
  const uncovered = new Set(literals);
  const anchors: string[] = [];
  while (uncovered.size > 0) {
    if (anchors.length === max) return undefined;
    const count = new Map<string, number>();
    for (const lit of uncovered) {
      const subs = new Set<string>();
      for (let n = Math.min(ANCHOR_MIN, lit.length); n <= Math.min(ANCHOR_MAX, lit.length); n++) {
        for (let i = 0; i + n <= lit.length; i++) subs.add(lit.slice(i, i + n));
      }
      for (const s of subs) count.set(s, (count.get(s) ?? 0) + 1);
    }
    let best = '';
    let bestN = 0;
    for (const [s, n] of count) if (n > bestN || (n === bestN && s.length > best.length) || (n === bestN && s.length === best.length && s < best)) { best = s; bestN = n; }
    anchors.push(best);
    for (const lit of [...uncovered]) if (lit.includes(best)) uncovered.delete(lit);
  }
  return anchors;
}

/**
 * A test on the raw (unfolded) text that is true whenever its lower-cased form holds an anchor
 * (anchors are lower-case). The `i` flag folds ASCII exactly as toLowerCase does, but the two differ
 * above U+007F: only U+0130 (İ → "i̇") and U+212A (KELVIN SIGN → "k") lower-case to ASCII letters
 * (checked over every code point in anchors.test.ts), so with ASCII anchors those two always pass;
 * with any non-ASCII anchor (U+03F4 lower-cases to θ, which /θ/i does not match) every non-ASCII
 * text passes. What passes is then scanned exactly.
 */
export function anchorPattern(anchors: readonly string[]): RegExp {
  const alts = anchors.map((a) => a.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'));
  const ascii = anchors.every((a) => /^[\u0000-\u007f]*$/.test(a));
  return new RegExp(`${alts.join('|')}|${ascii ? TO_ASCII_WHEN_LOWERED : '[^\\u0000-\\u007f]'}`, 'i');
}
