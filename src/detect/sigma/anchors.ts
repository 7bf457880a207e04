// A few short substrings ("anchors") such that every literal of a set contains at least one: when a
// text holds none of them, it holds none of the literals, and the engine's native String#includes
// proves that far faster than a character-by-character multi-literal scan. Used for keyword rules,
// whose literals must be looked for in every value of every event of their logsource (SigmaHQ's
// "Mimikatz Use": twenty literals, three anchors: "::", "kiwi", "mimi").
//
// Greedy set cover over the literals' substrings of ANCHOR_MIN..ANCHOR_MAX characters: take the one in
// the most uncovered literals (the longer on ties, as it is rarer in text), until all are covered.

const ANCHOR_MIN = 2;
const ANCHOR_MAX = 4;

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

/** Whether text contains any of the anchors. */
export function hasAnchor(text: string, anchors: readonly string[]): boolean {
  for (let i = 0; i < anchors.length; i++) if (text.includes(anchors[i])) return true;
  return false;
}
