// X12 reader throughput against a baseline measured in the same run: splitting the same text on
// its segment terminator and elements (the least any reader must do). Prints MB/s and the ratio.
//   node bench/x12.ts [claims-per-file=2000] [files=20]
import { X12Reader, write837, write835, type Claims837Spec } from '../src/billing/index.ts';

const claimsPerFile = Number(process.argv[2] ?? 2000);
const files = Number(process.argv[3] ?? 20);

function spec837(control: number): Claims837Spec {
  const claims = Array.from({ length: claimsPerFile }, (_, i) => ({
    patientControlNumber: `PCN${control}-${i}`,
    subscriber: { name: 'DOE', firstName: 'PAT', memberId: `M${i}`, dob: '19800101', gender: 'U' },
    payer: { name: 'BLUEBONNET HEALTH PLAN', payerId: 'BB001' },
    diagnoses: ['J069', 'R05'],
    lines: [{ procedure: '99213', charge: 120, date: '20260302' }, { procedure: '90460', charge: 40, date: '20260302' }],
  }));
  return {
    senderId: 'LONESTARBP', receiverId: 'TXCH', control, date: '20260302', time: '1030',
    submitter: { name: 'LONE STAR BILLING PARTNERS', id: 'LSBP01' }, receiver: { name: 'TEXAS CLEARINGHOUSE', id: 'TXCH' },
    providers: [{ billing: { name: 'HILL COUNTRY PEDIATRICS', npi: '1093817465', tin: '741112222', address: { line1: '12 OAK ST', city: 'AUSTIN', state: 'TX', postalCode: '78704' } }, claims }],
  };
}

const text = Array.from({ length: files }, (_, i) => write837(spec837(i + 1))).join('') +
  write835({ senderId: 'P', receiverId: 'R', date: '20260302', time: '0900', payer: { name: 'PAYER', companyId: '1741234567' }, payee: { name: 'PAYEE', npi: '1093817465' }, payment: { method: 'CHK', date: '20260302', trace: 'T1' }, claims: [] });
const bytes = new TextEncoder().encode(text);
const mb = bytes.length / 1e6;

function time(fn: () => number): { ms: number; n: number } {
  fn(); // warm-up
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < 3; i++) n = fn();
  return { ms: (performance.now() - t0) / 3, n };
}

const baseline = time(() => {
  let n = 0;
  for (const s of new TextDecoder().decode(bytes).split('~')) if (s.trim()) { s.split('*'); n++; }
  return n;
});
const reader = time(() => {
  const r = new X12Reader({ keepTransactions: false });
  for (let i = 0; i < bytes.length; i += 65536) r.push(bytes.subarray(i, i + 65536));
  const res = r.end();
  if (res.errors.length) throw new Error(res.errors[0].format());
  return res.segments;
});

console.log(`input: ${mb.toFixed(1)} MB, ${reader.n} segments, ${files * claimsPerFile} claims`);
console.log(`baseline split: ${(mb / (baseline.ms / 1000)).toFixed(1)} MB/s (${baseline.ms.toFixed(0)} ms)`);
console.log(`X12Reader:      ${(mb / (reader.ms / 1000)).toFixed(1)} MB/s (${reader.ms.toFixed(0)} ms)`);
console.log(`ratio reader/baseline time: ${(reader.ms / baseline.ms).toFixed(2)}x`);
