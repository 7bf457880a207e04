// Severity follows Sigma's `level` vocabulary so rule levels and finding severities compare directly.
export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}

/** Rank for comparisons: informational = 0 … critical = 4. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}
