// Regenerates docs/errors.md from the code table in src/core/errors.ts.
// Run: node scripts/gen-error-docs.ts  (test/core/errors-docs.test.ts fails when the two disagree)
import { writeFileSync } from 'node:fs';
import { ERROR_CODES } from '../src/core/errors.ts';

export function renderErrorDocs(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, i]) => `| \`${code}\` | ${i.summary} | ${i.exit} | ${i.http} |`);
  return `# Error codes

Every ClaimGuard error carries one stable code from this table, a message for people and, where there is one, a
location (file, line:column, byte offset, record number). The CLI prints \`file:line:column: message [CODE]\` and exits
with the code's exit status; the HTTP API answers with the code's status and \`{"code","message","location"}\`.
Codes are never reused once retired. This page is generated from \`src/core/errors.ts\` by
\`node scripts/gen-error-docs.ts\`; a test keeps the two in step.

| Code | Meaning | CLI exit | HTTP |
|---|---|---|---|
${rows.join('\n')}
`;
}

if (import.meta.main) writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
