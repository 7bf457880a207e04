// The billing book: claims the staff prepare and submit (837P batches to the clearinghouse, one per
// client per working day) and the remittances payers send back (835 ERAs, dropped on the SFTP host).
// Amounts are kept in cents so every 835 balances exactly: line, claim and transaction level.
import type { Ctx, Claim, ClaimLine, Patient } from './context.ts';
import type { Provider, Payer } from './company.ts';
import type { Rng } from './rng.ts';
import { DAY_MS, centralToUtc, dayInfo, x12Date } from './calendar.ts';
import { COMPONENT, interchange, money, transaction } from './emit/x12.ts';

export interface Remit {
  file: string;
  time: number;
  payer: Payer;
  provider: Provider;
  claims: Claim[];
  totalCents: number;
  trace: string;
  bank: { routing: string; account: string };
}

/** Bank details an attack substitutes into one payer × payee remittance (payment redirection). */
export type BankOverride = (payer: Payer, provider: Provider, day: number) => { routing: string; account: string } | undefined;

const C = (n: number): string => money(n / 100);

/** Claims prepared from 35 days before the window to its end (older ones appear only in 835s). */
export function buildClaims(ctx: Ctx): void {
  const rng = ctx.rng('claims');
  let serial = 40_000 + rng.int(0, 9_000);
  const seen = new Set<string>();
  for (let day = ctx.firstDay - 35 * DAY_MS; day <= ctx.lastDay; day += DAY_MS) {
    const info = dayInfo(day);
    if (!info.officeOpen) continue;
    for (const provider of ctx.company.providers) {
      const preparers = ctx.company.staff.filter((s) => s.role === 'billing_specialist' && (ctx.assignments.get(s.user) ?? []).includes(provider.id));
      const preparer = preparers.length ? rng.pick(preparers).user : 'lmendez';
      const n = Math.max(1, Math.round(provider.dailyClaims + rng.jitter(provider.dailyClaims * 0.25)));
      const submitted = centralToUtc(day, 15 + rng.next() * 1.5);
      const pool = ctx.patientsByProvider.get(provider.id)!;
      for (let i = 0; i < n; i++) {
        // A patient seen twice for the same date of service would be a duplicate claim: not on a normal day.
        let patient = rng.pick(pool);
        const dos = day - rng.int(1, 6) * DAY_MS;
        while (seen.has(`${patient.id}|${dos}`)) patient = rng.pick(pool);
        seen.add(`${patient.id}|${dos}`);
        const lines: ClaimLine[] = [];
        const nLines = rng.weighted([[1, 5], [2, 3], [3, 1]] as const);
        for (const [code, charge] of rng.sample(provider.procedures, nLines)) {
          const units = code.startsWith('95') || code.startsWith('97') ? rng.int(1, 4) : 1;
          lines.push({ code, chargeCents: charge * 100 * units, units });
        }
        serial += rng.int(1, 3);
        ctx.claims.push({
          id: `${provider.id}${x12Date(day).slice(2)}${String(serial).padStart(6, '0')}`,
          patient, provider, payer: patient.payer,
          dos,
          submitted: submitted + i * rng.int(2_000, 9_000),
          payAfter: submitted + (patient.payer.filing === 'MB' ? 14 : rng.int(9, 21)) * DAY_MS,
          dx: rng.sample(provider.diagnoses, rng.int(1, 3)),
          lines,
          totalCents: lines.reduce((s, l) => s + l.chargeCents, 0),
          preparedBy: preparer,
        });
      }
    }
  }
}

function name(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9 &]/g, '').replace(/&/g, 'AND');
}

/** 837P batches: one file per client per working day inside the window. */
export function write837s(ctx: Ctx): { file: string; time: number; provider: Provider; claims: Claim[] }[] {
  const out: { file: string; time: number; provider: Provider; claims: Claim[] }[] = [];
  const byKey = new Map<string, Claim[]>();
  for (const c of ctx.claims) {
    if (c.submitted < ctx.firstDay || c.submitted >= ctx.lastDay + DAY_MS) continue;
    const key = `${x12Date(c.submitted)}|${c.provider.id}`;
    let list = byKey.get(key);
    if (!list) { list = []; byKey.set(key, list); }
    list.push(c);
  }
  const ch = ctx.company.clearinghouse;
  for (const [key, claims] of [...byKey.entries()].sort()) {
    const [date, providerId] = key.split('|');
    const provider = claims[0].provider;
    const time = claims[0].submitted;
    const control = ctx.nextControl();
    const body: string[][] = [
      ['BHT', '0019', '00', `${providerId}${date}`, x12Date(time), '1530', 'CH'],
      ['NM1', '41', '2', 'LONE STAR BILLING PARTNERS', '', '', '', '', '46', ch.submitterId],
      ['PER', 'IC', 'EDI SUPPORT', 'TE', '5125550142', 'EM', 'edi@lonestarbilling.example'],
      ['NM1', '40', '2', name(ch.name), '', '', '', '', '46', ch.receiverId],
      ['HL', '1', '', '20', '1'],
      ['PRV', 'BI', 'PXC', provider.taxonomy],
      ['NM1', '85', '2', name(provider.name), '', '', '', '', 'XX', provider.npi],
      ['N3', name(provider.address.street)],
      ['N4', name(provider.address.city), 'TX', provider.address.zip + '1204'],
      ['REF', 'EI', provider.tin],
    ];
    let hl = 1;
    for (const c of claims) {
      const p = c.patient;
      body.push(
        ['HL', String(++hl), '1', '22', '0'],
        ['SBR', 'P', '18', '', '', '', '', '', '', c.payer.filing],
        ['NM1', 'IL', '1', name(p.last), name(p.first), '', '', '', 'MI', p.memberId],
        ['N3', name(p.street)],
        ['N4', p.city, 'TX', p.zip],
        ['DMG', 'D8', p.dob, p.sex],
        ['NM1', 'PR', '2', name(c.payer.name), '', '', '', '', 'PI', c.payer.claimPayerId],
        ['CLM', c.id, C(c.totalCents), '', '', `11${COMPONENT}B${COMPONENT}1`, 'Y', 'A', 'Y', 'Y'],
        ['HI', ...c.dx.map((d, i) => `${i === 0 ? 'ABK' : 'ABF'}${COMPONENT}${d}`)],
      );
      c.lines.forEach((l, i) => {
        body.push(
          ['LX', String(i + 1)],
          ['SV1', `HC${COMPONENT}${l.code}`, C(l.chargeCents), 'UN', String(l.units), '', '', '1'],
          ['DTP', '472', 'D8', x12Date(c.dos + 12 * 3_600_000)],
          ['REF', '6R', `${c.id}L${i + 1}`],
        );
      });
    }
    const file = `x12/837/${date}_${provider.npi}_${String(control).padStart(9, '0')}.837`;
    ctx.sink.blob(file, interchange({
      senderQualifier: 'ZZ', senderId: ch.submitterId, receiverQualifier: 'ZZ', receiverId: ch.receiverId,
      gsSender: ch.submitterId, gsReceiver: ch.receiverId, control, time, functional: 'HC', version: '005010X222A1',
    }, [transaction('837', '0001', body, '005010X222A1')]));
    out.push({ file, time, provider, claims });
  }
  return out;
}

interface Adjudicated {
  claim: Claim;
  status: '1' | '4';
  paidCents: number;
  prCents: number;
  lines: { line: ClaimLine; paidCents: number; co: [string, number][]; pr: [string, number][]; allowedCents: number }[];
}

function adjudicate(rng: Rng, claim: Claim): Adjudicated {
  const denied = !rng.chance(claim.payer.payRate);
  const lines = claim.lines.map((line) => {
    if (denied) return { line, paidCents: 0, co: [[rng.pick(['16', '197', '50', '29']), line.chargeCents]] as [string, number][], pr: [] as [string, number][], allowedCents: 0 };
    const allowedCents = Math.min(line.chargeCents, Math.round(line.chargeCents * claim.payer.allowed * (0.95 + rng.next() * 0.1)));
    const pr: [string, number][] = [];
    if (claim.payer.filing !== 'MC') {
      if (rng.chance(0.35)) pr.push(['3', Math.min(allowedCents, 2500)]);
      else if (rng.chance(0.5)) pr.push(['2', Math.round(allowedCents * 0.2)]);
    }
    const prCents = pr.reduce((s, [, a]) => s + a, 0);
    const co: [string, number][] = line.chargeCents > allowedCents ? [['45', line.chargeCents - allowedCents]] : [];
    return { line, paidCents: allowedCents - prCents, co, pr, allowedCents };
  });
  return {
    claim,
    status: denied ? '4' : '1',
    paidCents: lines.reduce((s, l) => s + l.paidCents, 0),
    prCents: lines.reduce((s, l) => s + l.pr.reduce((a, [, x]) => a + x, 0), 0),
    lines,
  };
}

/** 835 ERAs on each payer's release days (bank days only) for the claims adjudicated since the last one. */
export function write835s(ctx: Ctx, override: BankOverride): Remit[] {
  const rng = ctx.rng('remits');
  const out: Remit[] = [];
  for (const info of ctx.days) {
    if (!info.bankOpen) continue;
    for (const payer of ctx.company.payers) {
      if (!payer.eraDays.includes(info.dow)) continue;
      for (const provider of ctx.company.providers) {
        // Claims adjudicated before the window were paid before it; the rest ride on the next ERA.
        const due = ctx.claims.filter((c) => !c.paid && c.payer === payer && c.provider === provider
          && c.payAfter <= info.day + DAY_MS && c.payAfter >= ctx.firstDay);
        if (due.length === 0) continue;
        const time = centralToUtc(info.day, 5 + rng.next() * 2.5);
        const adj = due.map((c) => { c.paid = true; return adjudicate(rng, c); });
        const interest = payer.filing === 'MB' && rng.chance(0.15) ? rng.int(40, 900) : 0;
        const totalCents = adj.reduce((s, a) => s + a.paidCents, 0) + interest;
        const bank = override(payer, provider, info.day) ?? provider.bank;
        const trace = `${info.date.replace(/-/g, '').slice(2)}${rng.digits(7)}`;
        const method = totalCents > 0 ? 'ACH' : 'NON';
        const body: string[][] = [
          method === 'ACH'
            ? ['BPR', 'I', C(totalCents), 'C', 'ACH', 'CCP', '01', payer.bank.routing, 'DA', payer.bank.account, payer.payerId, '', '01', bank.routing, 'DA', bank.account, info.date.replace(/-/g, '')]
            : ['BPR', 'H', '0', 'C', 'NON', '', '', '', '', '', '', '', '', '', '', '', info.date.replace(/-/g, '')],
          ['TRN', '1', trace, payer.payerId],
          ['DTM', '405', x12Date(time)],
          ['N1', 'PR', name(payer.name), 'XV', payer.claimPayerId],
          ['N3', payer.address.street.toUpperCase()],
          ['N4', payer.address.city.toUpperCase(), payer.address.state, payer.address.zip],
          ['PER', 'BL', 'EDI SUPPORT', 'TE', '8005550155'],
          ['N1', 'PE', name(provider.name), 'XX', provider.npi],
          ['N3', name(provider.address.street)],
          ['N4', name(provider.address.city), 'TX', provider.address.zip],
          ['REF', 'TJ', provider.tin],
          ['LX', '1'],
        ];
        for (const a of adj) {
          const c = a.claim;
          body.push(
            ['CLP', c.id, a.status, C(c.totalCents), C(a.paidCents), a.prCents ? C(a.prCents) : '', filingToClp(payer.filing), `${payer.claimPayerId}${rng.digits(9)}`, '11', '1'],
            ['NM1', 'QC', '1', name(c.patient.last), name(c.patient.first), '', '', '', 'MI', c.patient.memberId],
            ['DTM', '232', x12Date(c.dos + 12 * 3_600_000)],
          );
          a.lines.forEach((l, i) => {
            body.push(['SVC', `HC${COMPONENT}${l.line.code}`, C(l.line.chargeCents), C(l.paidCents), '', String(l.line.units)]);
            body.push(['DTM', '472', x12Date(c.dos + 12 * 3_600_000)]);
            for (const [reason, amt] of l.co) body.push(['CAS', 'CO', reason, C(amt)]);
            if (l.pr.length) body.push(['CAS', 'PR', ...l.pr.flatMap(([r, amt]) => [r, C(amt), ''])].slice(0, 2 + l.pr.length * 3 - 1));
            body.push(['REF', '6R', `${c.id}L${i + 1}`]);
            if (l.allowedCents) body.push(['AMT', 'B6', C(l.allowedCents)]);
          });
        }
        if (interest) body.push(['PLB', provider.npi, `${info.date.slice(0, 4)}1231`, `L6${COMPONENT}${trace}`, C(-interest)]);
        const control = ctx.nextControl();
        const file = `x12/835/${info.date.replace(/-/g, '')}_${payer.payerId}_${provider.npi}_${trace}.835`;
        ctx.sink.blob(file, interchange({
          senderQualifier: 'ZZ', senderId: payer.payerId, receiverQualifier: 'ZZ', receiverId: ctx.company.clearinghouse.submitterId,
          gsSender: payer.payerId, gsReceiver: ctx.company.clearinghouse.submitterId, control, time, functional: 'HP', version: '005010X221A1',
        }, [transaction('835', String(control).padStart(4, '0').slice(-4), body)]));
        out.push({ file, time, payer, provider, claims: due, totalCents, trace, bank });
      }
    }
  }
  return out;
}

function filingToClp(filing: string): string {
  return filing === 'CI' ? '12' : filing === 'BL' ? '15' : filing;
}

export function patientsOf(ctx: Ctx, providerIds: string[]): Patient[] {
  return providerIds.flatMap((id) => ctx.patientsByProvider.get(id) ?? []);
}
