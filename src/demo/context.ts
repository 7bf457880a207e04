// Shared state of one generation run: the company, the calendar window, the emitters and the
// billing book (patients, claims) that the 837s, 835s and the audit trail all refer to.
import { Sink } from './sink.ts';
import { streamFor, type Rng } from './rng.ts';
import { DAY_MS, dayInfo, type DayInfo } from './calendar.ts';
import { buildCompany, type Company, type Provider, type Payer } from './company.ts';
import { WinEmitter } from './emit/windows.ts';
import { SyslogEmitter } from './emit/syslog.ts';
import { CefEmitter } from './emit/cef.ts';
import { M365Emitter } from './emit/m365.ts';
import { PmEmitter } from './emit/pm.ts';

export interface Patient {
  id: string;
  account: string;
  provider: Provider;
  payer: Payer;
  first: string;
  last: string;
  dob: string;
  sex: 'F' | 'M';
  memberId: string;
  street: string;
  city: string;
  zip: string;
}

export interface ClaimLine {
  code: string;
  chargeCents: number;
  units: number;
}

export interface Claim {
  id: string;
  patient: Patient;
  provider: Provider;
  payer: Payer;
  /** Date of service (UTC midnight). */
  dos: number;
  /** When the 837 carrying it was sent (epoch ms); before the window for claims only seen in 835s. */
  submitted: number;
  dx: string[];
  lines: ClaimLine[];
  totalCents: number;
  /** The user who prepared it. */
  preparedBy: string;
  /** The payer adjudicates it by then (epoch ms); it rides on the payer's next ERA after that. */
  payAfter: number;
  paid?: boolean;
}

export interface Ctx {
  seed: number;
  company: Company;
  /** Inclusive first and last civil day of the window (UTC midnight). */
  firstDay: number;
  lastDay: number;
  days: DayInfo[];
  sink: Sink;
  win: WinEmitter;
  syslog: SyslogEmitter;
  cef: CefEmitter;
  m365: M365Emitter;
  pm: PmEmitter;
  patients: Patient[];
  patientsByProvider: Map<string, Patient[]>;
  claims: Claim[];
  /** Provider ids each staff member works on. */
  assignments: Map<string, string[]>;
  rng(label: string): Rng;
  /** X12 interchange control numbers, increasing. */
  nextControl(): number;
}

const FIRST_F = ['Maria', 'Jennifer', 'Linda', 'Elizabeth', 'Susan', 'Karen', 'Guadalupe', 'Ashley', 'Emily', 'Sofia', 'Isabella', 'Olivia', 'Ana', 'Rosa', 'Grace', 'Hannah', 'Megan', 'Lucia', 'Brenda', 'Carmen'];
const FIRST_M = ['James', 'John', 'Jose', 'David', 'Daniel', 'Juan', 'Christopher', 'Matthew', 'Anthony', 'Miguel', 'Ethan', 'Noah', 'Mateo', 'Liam', 'Andrew', 'Joshua', 'Ryan', 'Tyler', 'Jesus', 'Eric'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Davis', 'Wilson', 'Anderson', 'Thomas', 'Sanchez', 'Ramirez', 'Torres', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Nguyen', 'Vasquez', 'Ramos', 'Guerrero', 'Jackson', 'White', 'Moreno', 'Chavez', 'Herrera', 'Cruz'];
const STREETS = ['Oak Hollow Dr', 'Pecan Grove Ln', 'Mesquite Trl', 'Live Oak St', 'Bluebonnet Ln', 'Cypress Creek Rd', 'Limestone Way', 'Bee Cave Ct', 'Ranch Road 12', 'Sycamore Bend'];
const CITIES: [string, string][] = [['AUSTIN', '78745'], ['AUSTIN', '78758'], ['ROUND ROCK', '78664'], ['PFLUGERVILLE', '78660'], ['KYLE', '78640'], ['CEDAR PARK', '78613'], ['SAN MARCOS', '78666'], ['GEORGETOWN', '78628'], ['BASTROP', '78602'], ['LAKEWAY', '78734']];

export const PATIENTS_PER_PROVIDER = 240;

function iso(d: number): string {
  return new Date(d).toISOString().slice(0, 10);
}

export function createContext(seed: number, lastDayIso: string, days: number): Ctx {
  const lastDay = Date.parse(lastDayIso + 'T00:00:00Z');
  const firstDay = lastDay - (days - 1) * DAY_MS;
  const company = buildCompany(seed);
  // The terminated employee still in scope left ten days before the end of the window; the other long ago.
  company.former[0].terminated = iso(lastDay - 10 * DAY_MS);
  company.former[1].terminated = '2026-08-14';
  const sink = new Sink();
  const rng = (label: string): Rng => streamFor(seed, label);
  let control = 100 + (seed % 1000) * 10;

  const book = rng('patients');
  const patients: Patient[] = [];
  const patientsByProvider = new Map<string, Patient[]>();
  let pid = 100_000 + book.int(0, 50_000);
  for (const provider of company.providers) {
    const list: Patient[] = [];
    for (let i = 0; i < PATIENTS_PER_PROVIDER; i++) {
      const sex = book.chance(0.54) ? 'F' : 'M';
      const [city, zip] = book.pick(CITIES);
      const payer = book.weighted(company.payers.map((p, j) => [p, [5, 4, 4, 3, 2][j]] as const));
      pid += book.int(1, 9);
      const p: Patient = {
        id: `PT${pid}`,
        account: `${provider.id}-${String(pid).slice(-5)}${book.int(10, 99)}`,
        provider, payer,
        first: book.pick(sex === 'F' ? FIRST_F : FIRST_M),
        last: book.pick(LAST),
        dob: `${book.int(1940, 2021)}${String(book.int(1, 12)).padStart(2, '0')}${String(book.int(1, 28)).padStart(2, '0')}`,
        sex,
        memberId: payer.filing === 'MB' ? `${book.digits(1)}${'EGKMPT'[book.int(0, 5)]}${book.int(1, 9)}${'ACDEFGHJK'[book.int(0, 8)]}${book.digits(1)}${'ACDEFGHJK'[book.int(0, 8)]}${book.int(1, 9)}${'ACDEFGHJK'[book.int(0, 8)]}${book.digits(2)}` : `${payer.id}${book.digits(9)}`,
        street: `${book.int(100, 19999)} ${book.pick(STREETS)}`,
        city, zip,
      };
      list.push(p);
      patients.push(p);
    }
    patientsByProvider.set(provider.id, list);
  }

  // Each billing-floor member works a few clients' accounts; managers and posters see all of them.
  const assign = rng('assignments');
  const assignments = new Map<string, string[]>();
  const ids = company.providers.map((p) => p.id);
  for (const s of [...company.staff, ...company.former]) {
    if (s.role === 'billing_manager' || s.role === 'payment_poster' || s.role === 'executive' || s.role === 'office_manager' || s.role === 'credentialing') assignments.set(s.user, ids);
    else if (s.role === 'it_admin') assignments.set(s.user, []);
    else assignments.set(s.user, assign.sample(ids, s.role === 'medical_coder' ? 3 : 2));
  }

  const ctx: Ctx = {
    seed, company, firstDay, lastDay,
    days: Array.from({ length: days }, (_, i) => dayInfo(firstDay + i * DAY_MS)),
    sink,
    win: new WinEmitter(rng('windows'), sink),
    syslog: new SyslogEmitter(rng('syslog'), sink),
    cef: new CefEmitter(rng('cef'), sink),
    m365: new M365Emitter(rng('m365'), sink),
    pm: new PmEmitter(sink),
    patients, patientsByProvider,
    claims: [],
    assignments,
    rng,
    nextControl: () => ++control,
  };
  return ctx;
}
