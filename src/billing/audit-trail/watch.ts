// Billing-application audit-trail analytics: a pure streaming step over audit events
// (logsource {product: billing, service: audit}; canonical fields user, action, patient_id /
// account_id / claim_id, host, src_ip, plus optional amount, record_count, field, role, src_country).
//
//   const watch = createAuditTrailWatch(config, savedState);
//   for (const e of events) alerts.push(...watch.process(e));
//   save(watch.state());
//
// Every alert's `why` says what was observed and what it was compared with. docs/rules.md
// ("Billing application audit trail") describes each rule id. State is bounded: at most
// MAX_TRACKED_USERS accounts are remembered (least recently active dropped first).
import { ClaimGuardError, type Alert, type Event, type Severity } from '../../core/index.ts';
import {
  analyticAlert, CidrTable, DEFAULT_SCHEDULE, fieldNumber, fieldString, GeoBaseline, HoursBaseline, hoursOutside, isPrivateIp, Suppressor, VolumeBaseline, checkTimeZone,
  type AnalyticRule, type GeoConfig, type GeoState, type HoursState, type VolumeState, type WorkSchedule,
} from '../../detect/baseline/index.ts';
import { classifyAction, RECORD_ACCESS_KINDS, type ActionKind } from './actions.ts';
import type { FlaggedRecord, RosterEntry } from './tables.ts';

const SOURCE = 'src/billing/audit-trail/watch.ts';
const r = (id: string, title: string, level: Severity, tags: string[]): AnalyticRule => ({ id: `claimguard.billing.audit.${id}`, title, level, tags, source: SOURCE });

/** Rule identities of the audit-trail analytics. */
export const AUDIT_RULES = {
  massAccess: r('mass_access', 'Mass patient/account record access', 'high', ['attack.collection', 'attack.t1213']),
  massExport: r('mass_export', 'Mass export of billing records', 'high', ['attack.exfiltration', 'attack.t1567', 'attack.collection', 'attack.t1005']),
  afterHours: r('after_hours', 'Billing application used outside working hours', 'medium', ['attack.initial_access', 'attack.t1078']),
  flaggedRecord: r('flagged_record', 'Access to a flagged (VIP, employee or family) record', 'high', ['attack.collection', 'attack.t1213']),
  bankChange: r('bank_change', 'Bank or payee details changed', 'high', ['attack.impact', 'attack.t1565.001']),
  largeAdjustment: r('large_adjustment', 'Large adjustment or write-off', 'medium', ['attack.impact', 'attack.t1565.001']),
  terminatedAccount: r('terminated_account', 'Activity by a terminated or disabled account', 'critical', ['attack.persistence', 'attack.t1078']),
  dormantAccount: r('dormant_account', 'Activity by a dormant account', 'high', ['attack.persistence', 'attack.t1078']),
  unknownAccount: r('unknown_account', 'Activity by an account missing from the roster', 'medium', ['attack.persistence', 'attack.t1078']),
  newCountry: r('new_country', 'Billing application login from a new country', 'high', ['attack.initial_access', 'attack.t1078']),
  newNetwork: r('new_network', 'Billing application login from a new network', 'medium', ['attack.initial_access', 'attack.t1078']),
  impossibleTravel: r('impossible_travel', 'Impossible travel between billing application sessions', 'high', ['attack.initial_access', 'attack.t1078']),
} as const;

export interface AuditTrailConfig {
  tenant?: string;
  /** IANA zone of the office (working hours, roster dates). */
  timeZone: string;
  schedule: WorkSchedule;
  /** Per-role schedules (role names lower-case), e.g. a night-shift posting team. */
  roleSchedules: Record<string, WorkSchedule>;
  roster?: RosterEntry[];
  flagged?: FlaggedRecord[];
  /** IP → country for events without a country field. */
  countries?: CidrTable;
  /** Office, VPN-pool and vendor networks (CIDRs) that never count as new. */
  trustedNetworks: string[];
  /** Exact action name → kind, consulted before the keyword patterns. */
  actions?: Record<string, ActionKind>;
  massAccess: { windowMinutes: number; factor: number; minCount: number; coldStartCount: number; minHistoryDays: number };
  massExport: { windowMinutes: number; factor: number; minRecords: number; coldStartRecords: number; minHistoryDays: number };
  /** coldStartHours: before a user has minEvents of history, alert only this many hours outside the schedule. */
  afterHours: { minEvents: number; rareShare: number; suppressMinutes: number; coldStartHours: number };
  largeAdjustment: { amount: number; factor: number; minAmount: number; minHistory: number };
  /** No activity for this many days makes an account dormant. */
  dormantDays: number;
  /** Roles allowed to edit bank/payee details (lower-case); others raise the alert to critical. */
  bankEditRoles: string[];
  geo: Partial<GeoConfig>;
}

export const DEFAULT_AUDIT_TRAIL_CONFIG: AuditTrailConfig = {
  timeZone: 'UTC',
  schedule: DEFAULT_SCHEDULE,
  roleSchedules: {},
  trustedNetworks: [],
  massAccess: { windowMinutes: 60, factor: 3, minCount: 40, coldStartCount: 150, minHistoryDays: 5 },
  massExport: { windowMinutes: 60, factor: 3, minRecords: 200, coldStartRecords: 500, minHistoryDays: 5 },
  afterHours: { minEvents: 200, rareShare: 0.02, suppressMinutes: 240, coldStartHours: 2 },
  largeAdjustment: { amount: 10_000, factor: 5, minAmount: 1_000, minHistory: 20 },
  dormantDays: 30,
  bankEditRoles: ['billing_manager', 'admin', 'administrator', 'finance'],
  geo: { learnDays: 7, learnEvents: 5 },
};

export interface AuditTrailState {
  version: 1;
  access: VolumeState;
  exports: VolumeState;
  hours: HoursState;
  geo: GeoState;
  suppress: Record<string, number>;
  /** user → last activity time. */
  lastSeen: Record<string, number>;
  /** user → recent absolute adjustment amounts (bounded). */
  adjustments: Record<string, number[]>;
  /** user → record id → last access time, to count distinct records per window (bounded). */
  recent: Record<string, Record<string, number>>;
  /** user → last source address. */
  lastIp: Record<string, string>;
}

export interface AuditTrailWatch {
  process(event: Event): Alert[];
  state(): AuditTrailState;
}

type ConfigInput = Partial<Omit<AuditTrailConfig, 'massAccess' | 'massExport' | 'afterHours' | 'largeAdjustment'>> & {
  massAccess?: Partial<AuditTrailConfig['massAccess']>;
  massExport?: Partial<AuditTrailConfig['massExport']>;
  afterHours?: Partial<AuditTrailConfig['afterHours']>;
  largeAdjustment?: Partial<AuditTrailConfig['largeAdjustment']>;
};

/** Merges a partial config over the defaults and checks it (CONFIG_INVALID on a bad value). */
export function resolveAuditTrailConfig(input: ConfigInput = {}): AuditTrailConfig {
  const d = DEFAULT_AUDIT_TRAIL_CONFIG;
  const c: AuditTrailConfig = {
    ...d, ...input,
    massAccess: { ...d.massAccess, ...input.massAccess },
    massExport: { ...d.massExport, ...input.massExport },
    afterHours: { ...d.afterHours, ...input.afterHours },
    largeAdjustment: { ...d.largeAdjustment, ...input.largeAdjustment },
    geo: { ...d.geo, ...input.geo },
    roleSchedules: Object.fromEntries(Object.entries(input.roleSchedules ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    bankEditRoles: (input.bankEditRoles ?? d.bankEditRoles).map((x) => x.toLowerCase()),
  };
  try { checkTimeZone(c.timeZone); } catch {
    throw new ClaimGuardError('CONFIG_INVALID', `unknown time zone "${c.timeZone}"`, { path: 'auditTrail.timeZone' });
  }
  const positive: [string, number][] = [
    ['massAccess.windowMinutes', c.massAccess.windowMinutes], ['massAccess.factor', c.massAccess.factor], ['massExport.windowMinutes', c.massExport.windowMinutes],
    ['massExport.factor', c.massExport.factor], ['largeAdjustment.amount', c.largeAdjustment.amount], ['dormantDays', c.dormantDays],
  ];
  for (const [path, v] of positive) {
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new ClaimGuardError('CONFIG_INVALID', `${path} must be a positive number`, { path: `auditTrail.${path}` });
  }
  for (const s of [c.schedule, ...Object.values(c.roleSchedules)]) {
    if (!(s.start >= 0 && s.start <= 23 && s.end >= 1 && s.end <= 24 && s.days.every((x) => Number.isInteger(x) && x >= 0 && x <= 6))) {
      throw new ClaimGuardError('CONFIG_INVALID', 'a working-hours schedule needs days 0–6, start 0–23 and end 1–24', { path: 'auditTrail.schedule' });
    }
  }
  const trusted = new CidrTable(c.trustedNetworks.map((cidr) => ({ cidr, value: 'trusted' })));
  if (trusted.rejected.length) throw new ClaimGuardError('CONFIG_INVALID', `"${trusted.rejected[0].cidr}" is not a CIDR`, { path: 'auditTrail.trustedNetworks' });
  return c;
}

/** Accounts remembered in the per-user maps; hostile input with random user names cannot grow state past this. */
export const MAX_TRACKED_USERS = 20_000;

const RECORD_FIELDS = [['patient_id', 'patient'], ['account_id', 'account'], ['claim_id', 'claim']] as const;

function fmtMoney(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function createAuditTrailWatch(input: ConfigInput | AuditTrailConfig = {}, saved?: AuditTrailState): AuditTrailWatch {
  const c = resolveAuditTrailConfig(input);
  const st: AuditTrailState = saved ?? {
    version: 1, access: { version: 1, entities: {}, groups: {} }, exports: { version: 1, entities: {}, groups: {} },
    hours: { version: 1, entities: {} }, geo: { version: 1, entities: {} }, suppress: {}, lastSeen: {}, adjustments: {}, recent: {}, lastIp: {},
  };
  const access = new VolumeBaseline({ windowMs: c.massAccess.windowMinutes * 60_000, factor: c.massAccess.factor, minCount: c.massAccess.minCount, coldStartCount: c.massAccess.coldStartCount, minHistoryDays: c.massAccess.minHistoryDays }, st.access);
  const exportsVol = new VolumeBaseline({ windowMs: c.massExport.windowMinutes * 60_000, factor: c.massExport.factor, minCount: c.massExport.minRecords, coldStartCount: c.massExport.coldStartRecords, minHistoryDays: c.massExport.minHistoryDays }, st.exports);
  const hours = new HoursBaseline(c.timeZone, { minEvents: c.afterHours.minEvents, rareShare: c.afterHours.rareShare }, st.hours);
  const geo = new GeoBaseline(c.geo, st.geo);
  const suppress = new Suppressor(st.suppress);
  const trusted = new CidrTable(c.trustedNetworks.map((cidr) => ({ cidr, value: 'trusted' })));
  const roster = new Map<string, RosterEntry>();
  for (const e of c.roster ?? []) roster.set(e.user.toLowerCase(), e);
  const flagged = new Map<string, FlaggedRecord[]>();
  for (const f of c.flagged ?? []) {
    const k = f.id.toLowerCase();
    flagged.set(k, [...(flagged.get(k) ?? []), f]);
  }
  const accessWindow = c.massAccess.windowMinutes * 60_000;
  const recentSize = new Map<string, number>();
  let newUsers = 0;

  function forgetStaleUsers(): void {
    const users = Object.keys(st.lastSeen);
    if (users.length <= MAX_TRACKED_USERS) return;
    users.sort((a, b) => st.lastSeen[a] - st.lastSeen[b]);
    for (const u of users.slice(0, users.length - Math.floor(MAX_TRACKED_USERS * 0.9))) {
      delete st.lastSeen[u]; delete st.adjustments[u]; delete st.recent[u]; delete st.lastIp[u];
      recentSize.delete(u);
    }
  }

  function process(event: Event): Alert[] {
    const rawUser = fieldString(event, 'user');
    // Baselines need a real event time; events without one are skipped (the parsers reject them anyway).
    if (!rawUser || !Number.isFinite(event.time)) return [];
    const user = rawUser.toLowerCase();
    const t = event.time;
    const kind = classifyAction(event, c.actions);
    const person = roster.get(user);
    const role = person?.role ?? fieldString(event, 'role')?.toLowerCase();
    const ip = fieldString(event, 'src_ip');
    const host = fieldString(event, 'host');
    const action = fieldString(event, 'action') ?? kind;
    const who = person?.name ? `${user} (${person.name}${role ? ', ' + role : ''})` : role ? `${user} (${role})` : user;
    const ent = { user, host, src_ip: ip, role };
    const out: Alert[] = [];
    const alert = (rule: AnalyticRule, why: string[], extra: Record<string, string | undefined> = {}, level?: Severity): void => {
      out.push(analyticAlert({ rule, level, events: [event], entities: { ...ent, ...extra }, why, tenant: c.tenant, groupKey: user }));
    };

    // 1. Account state: terminated / disabled / leave, missing from roster, dormant.
    if (person && person.status !== 'active') {
      const dead = person.status === 'terminated' ? (person.terminatedAt === undefined || t >= person.terminatedAt) : true;
      if (dead && !suppress.check(`term|${user}`, t, 3_600_000)) {
        const when = person.terminatedAt !== undefined ? ` since ${new Date(person.terminatedAt).toISOString().slice(0, 10)}` : '';
        alert(AUDIT_RULES.terminatedAccount, [`${who} is ${person.status}${when} in the roster but performed "${action}"${ip ? ` from ${ip}` : ''}${host ? ` on ${host}` : ''}.`],
          {}, person.status === 'leave' ? 'high' : undefined);
      }
    } else if (c.roster && !person && !suppress.check(`unknown|${user}`, t, 86_400_000)) {
      alert(AUDIT_RULES.unknownAccount, [`${user} performed "${action}" but is not in the roster (${roster.size} accounts).`]);
    }
    const last = st.lastSeen[user];
    if (last !== undefined && t - last >= c.dormantDays * 86_400_000) {
      const days = Math.floor((t - last) / 86_400_000);
      alert(AUDIT_RULES.dormantAccount, [`${who} had no activity for ${days} days (last ${new Date(last).toISOString().slice(0, 10)}; dormant after ${c.dormantDays}) and now performed "${action}".`]);
    }
    if (last === undefined) {
      newUsers++;
      if (newUsers % 1000 === 0) forgetStaleUsers();
    }
    if (last === undefined || t > last) st.lastSeen[user] = t;

    // 2. Working hours (schedule of the role, else the office), combined with the user's own habit.
    if (kind !== 'logout' && kind !== 'login_failed') {
      const h = hours.observe(user, t);
      const schedule = (role && c.roleSchedules[role]) || c.schedule;
      const outside = hoursOutside(schedule, h.local);
      const learned = h.total >= c.afterHours.minEvents;
      // With a habit: any rare hour outside the schedule. Without one yet: only well outside it
      // (2 h or more, or a day off), so early starters do not alert during the learning weeks.
      const unusual = learned ? h.rare && outside > 0 : outside >= c.afterHours.coldStartHours;
      if (unusual && !suppress.check(`hours|${user}`, t, c.afterHours.suppressMinutes * 60_000)) {
        const local = `${h.local.date} ${String(h.local.hour).padStart(2, '0')}:${String(h.local.minute).padStart(2, '0')} ${c.timeZone}`;
        const habit = h.total >= c.afterHours.minEvents
          ? `only ${(h.share * 100).toFixed(1)}% of this user's ${h.total} past actions fall near this hour`
          : `no established habit yet (${h.total} past actions)`;
        alert(AUDIT_RULES.afterHours, [`${who} performed "${action}" at ${local}, outside working hours (days ${schedule.days.join(',')} ${schedule.start}:00–${schedule.end}:00); ${habit}.`],
          {}, h.total >= c.afterHours.minEvents ? 'medium' : 'low');
      }
    }

    // 3. Records touched: distinct-record volume, flagged records.
    const records: { field: string; kind: string; id: string }[] = [];
    for (const [field, k] of RECORD_FIELDS) {
      const id = fieldString(event, field);
      if (id) records.push({ field, kind: k, id });
    }
    if (RECORD_ACCESS_KINDS.has(kind)) {
      const recent = (st.recent[user] ??= {});
      let fresh = 0;
      for (const rec of records) {
        const key = `${rec.kind}:${rec.id}`;
        const prev = recent[key];
        if (prev === undefined || t - prev >= accessWindow) fresh++;
        recent[key] = t;
      }
      // Prune expired record ids now and then (sizes live outside the saved state).
      const size = (recentSize.get(user) ?? Object.keys(recent).length) + fresh;
      if (size > 2000) {
        for (const [k, v] of Object.entries(recent)) if (t - v >= accessWindow) delete recent[k];
        recentSize.set(user, Object.keys(recent).length);
      } else recentSize.set(user, size);
      const weight = records.length ? fresh : 1;
      if (weight > 0) {
        const v = access.observe(user, t, weight, role);
        if (v.crossed && !suppress.check(`mass|${user}`, t, accessWindow)) {
          const basis = v.basis === 'self' ? `this user's usual daily peak is ${v.typical} (p90 of ${v.historyDays} days)`
            : v.basis === 'peer' ? `users with role ${role} usually peak at ${v.typical} (p90 over ${v.historyDays} days)`
              : `no history yet; the starting limit is ${v.threshold}`;
          alert(AUDIT_RULES.massAccess, [`${who} opened ${v.count} distinct records in ${c.massAccess.windowMinutes} min; threshold ${v.threshold}: ${basis}.`], { count: String(v.count) });
        }
      }
      for (const rec of records) {
        for (const f of flagged.get(rec.id.toLowerCase()) ?? []) {
          if (f.kind !== 'any' && f.kind !== rec.kind) continue;
          if (f.allowed?.some((a) => a.toLowerCase() === user)) continue;
          if (suppress.check(`flag|${user}|${rec.kind}:${rec.id}`, t, 86_400_000)) continue;
          const own = f.user && f.user.toLowerCase() === user ? ' The record belongs to the user themself or their family.' : '';
          alert(AUDIT_RULES.flaggedRecord, [`${who} performed "${action}" on ${rec.kind} ${rec.id}, flagged ${f.category}${f.note ? ` (${f.note})` : ''}.${own}`],
            { [rec.field]: rec.id, flag: f.category });
        }
      }
    }

    // 4. Exports by volume of records exported.
    if (kind === 'export') {
      const n = fieldNumber(event, 'record_count', 'records', 'rows', 'count') ?? Math.max(1, records.length);
      const v = exportsVol.observe(user, t, Math.max(1, Math.floor(n)), role);
      if (v.crossed && !suppress.check(`export|${user}`, t, c.massExport.windowMinutes * 60_000)) {
        const basis = v.basis === 'self' ? `usual daily peak ${v.typical} (p90 of ${v.historyDays} days)`
          : v.basis === 'peer' ? `role ${role} usually peaks at ${v.typical}` : 'no export history yet';
        alert(AUDIT_RULES.massExport, [`${who} exported ${v.count} records in ${c.massExport.windowMinutes} min (last: "${action}"); threshold ${v.threshold}, ${basis}.`], { count: String(v.count) });
      }
    }

    // 5. Bank / payee changes: always reviewed; critical when the role is not one that should.
    if (kind === 'bank_change') {
      const allowed = role !== undefined && c.bankEditRoles.includes(role);
      const what = [fieldString(event, 'field'), fieldString(event, 'object')].filter(Boolean).join(' ');
      const target = records.map((x) => `${x.kind} ${x.id}`).join(', ') || fieldString(event, 'payee', 'provider_id', 'npi') || 'a payee';
      alert(AUDIT_RULES.bankChange, [`${who} changed bank/payee details${what ? ` (${what})` : ''} for ${target}: "${action}".`
        + (allowed ? '' : ` The role ${role ?? '(unknown)'} is not among those expected to edit bank details (${c.bankEditRoles.join(', ')}).`)],
      {}, allowed ? 'high' : 'critical');
    }

    // 6. Adjustments and write-offs: absolute limit, or far above the user's own typical amount.
    if (kind === 'adjustment' || kind === 'write_off') {
      const amount = fieldNumber(event, 'amount', 'adjustment_amount', 'value');
      if (amount !== undefined) {
        const abs = Math.abs(amount);
        const hist = (st.adjustments[user] ??= []);
        const sorted = hist.slice().sort((a, b) => a - b);
        const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] : 0;
        const overLimit = abs >= c.largeAdjustment.amount;
        const overHabit = hist.length >= c.largeAdjustment.minHistory && abs >= c.largeAdjustment.minAmount && abs >= c.largeAdjustment.factor * p95;
        if (overLimit || overHabit) {
          const reason = overLimit ? `at or above the ${fmtMoney(c.largeAdjustment.amount)} limit` : `${(abs / Math.max(p95, 0.01)).toFixed(1)}× this user's 95th percentile of ${fmtMoney(p95)}`;
          alert(AUDIT_RULES.largeAdjustment, [`${who} posted a ${kind === 'write_off' ? 'write-off' : 'adjustment'} of ${fmtMoney(amount)}${records.length ? ` on ${records.map((x) => `${x.kind} ${x.id}`).join(', ')}` : ''}, ${reason}.`],
            { amount: String(amount) }, overLimit && abs >= 5 * c.largeAdjustment.amount ? 'high' : undefined);
        }
        hist.push(abs);
        if (hist.length > 500) hist.splice(0, hist.length - 500);
      }
    }

    // 7. Where from: logins (or a change of address within a session) against the user's networks.
    if (ip && kind !== 'login_failed' && (kind === 'login' || st.lastIp[user] !== ip)) {
      st.lastIp[user] = ip;
      const country = fieldString(event, 'src_country', 'country') ?? c.countries?.lookup(ip);
      const trustedNet = trusted.lookup(ip) !== undefined;
      const g = geo.observe(user, t, { ip, ...(country ? { country: country.toUpperCase() } : {}) });
      if (!g.learning && !trustedNet) {
        if (g.newCountry && country) {
          alert(AUDIT_RULES.newCountry, [`${who} used the billing application from ${country.toUpperCase()} (${ip}); countries seen before: ${g.knownCountries.join(', ') || 'none'}.`], { src_country: country.toUpperCase() });
        } else if (g.newNetwork && !isPrivateIp(ip) && !suppress.check(`net|${user}|${g.network}`, t, 86_400_000)) {
          alert(AUDIT_RULES.newNetwork, [`${who} used the billing application from network ${g.network} (${ip}), not among the ${g.knownNetworks} networks seen for this user.`], { network: g.network });
        }
      }
      if (g.travel && !trustedNet && !suppress.check(`travel|${user}`, t, 3_600_000)) {
        alert(AUDIT_RULES.impossibleTravel, [`${who} used ${g.travel.from.ip} (${g.travel.from.country}) and then ${ip} (${country}) within ${Math.round(g.travel.minutes)} min.`], { previous_ip: g.travel.from.ip });
      }
    }
    return out;
  }

  return { process, state: () => st };
}
