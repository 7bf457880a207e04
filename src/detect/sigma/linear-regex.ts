// Sigma `re` values run on attacker-controlled text, and backtracking regular expressions can take
// exponential time: SigmaHQ's "PowerShell Command Line With Special Characters" (`\+.*\+.*…`, 14
// pluses) spends ~260 ms on one 20,000-character command line holding 13 of them, so a stream of such
// process starts would stall detection. V8 also has a linear-time engine (the `l` flag, behind
// --enable-experimental-regexp-engine, which can be turned on at run time): a value longer than
// LINEAR_FROM characters is tested there (19 ms for the same line, growing linearly), a shorter one
// on the backtracking engine, which is about twice as fast on ordinary values. Expressions the
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

/** re.test, on the linear-time engine for long values (see above). */
export function guardedTest(re: RegExp): (s: string) => boolean {
  const linear = linearTwin(re);
  if (!linear) return (s) => (re.lastIndex = 0, re.test(s));
  return (s) => {
    const r = s.length >= LINEAR_FROM ? linear : re;
    r.lastIndex = 0;
    return r.test(s);
  };
}
