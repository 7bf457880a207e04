// Sigma `re` values run on attacker-controlled text, and backtracking regular expressions can take
// exponential time: SigmaHQ's "PowerShell Command Line With Special Characters" (`\+.*\+.*…`, 14
// pluses) spends ~260 ms on one 20,000-character command line holding 13 of them, so a stream of such
// process starts would stall detection. V8 also has a linear-time engine (the `l` flag, behind
// --enable-experimental-regexp-engine, which can be turned on at run time): a value longer than
// LINEAR_FROM characters is tested there (19 ms for the same line, growing linearly), a shorter one
// on the backtracking engine, which is about twice as fast on ordinary values — unless the expression
// has MANY_UNBOUNDED or more unbounded repetitions (`*`, `+`, `{n,}`), whose backtracking grows like a
// power of the length (the 14-plus pattern takes 3 ms on 255 characters): those always run linear. Expressions the
// linear engine cannot run (backreferences, lookaround, large counted repetitions: 38 of SigmaHQ's
// 202) stay on the backtracking engine for every value.
import { setFlagsFromString } from 'node:v8';

/** Values at least this long are tested on the linear-time engine, when the expression allows. */
export const LINEAR_FROM = 256;

const linearEngine = ((): boolean => {
  try {
    setFlagsFromString('--enable-experimental-regexp-engine');
    return new RegExp('a', 'l').test('a');
  } catch {
    return false;
  }
})();

/** The same expression on V8's linear-time engine, or undefined when it cannot run it. */
export function linearTwin(re: RegExp): RegExp | undefined {
  if (!linearEngine) return undefined;
  try {
    return new RegExp(re.source, re.flags + 'l');
  } catch {
    return undefined;
  }
}

/** Unbounded repetitions from which an expression always runs on the linear-time engine. */
export const MANY_UNBOUNDED = 3;

/** How many `*`, `+` and `{n,}` an expression's source holds (an estimate: escapes are skipped). */
export function unboundedRepetitions(source: string): number {
  return source.replace(/\\./g, '').match(/[*+]|\{\d+,\}/g)?.length ?? 0;
}

/** re.test, on the linear-time engine for long values or many unbounded repetitions (see above). */
export function guardedTest(re: RegExp): (s: string) => boolean {
  const linear = linearTwin(re);
  if (!linear) return (s) => (re.lastIndex = 0, re.test(s));
  const from = unboundedRepetitions(re.source) >= MANY_UNBOUNDED ? 0 : LINEAR_FROM;
  return (s) => {
    const r = s.length >= from ? linear : re;
    r.lastIndex = 0;
    return r.test(s);
  };
}
