// Lone Star Billing Partners: the fictitious medical-billing company the demo simulates. Austin,
// Texas; 45 staff; 12 provider clients; the payers that pay them. Every identifier is fictitious:
// - NPIs pass the Luhn check over "80840" + 9 digits (so parsers accept them) but are drawn from the
//   seed, not from NPPES; they are documented as fictitious in docs/demo.md.
// - TINs use EIN prefixes 07, 08 and 09, which the IRS has never assigned.
// - Routing numbers pass the ABA checksum but start with 14–19, a prefix range the ABA has not assigned.
// - IP addresses are the RFC 5737 documentation ranges (public) and RFC 1918 (inside); domains end
//   in .example (RFC 2606); phone numbers are 512-555-01xx.
import { Rng, streamFor } from './rng.ts';

export const COMPANY_NAME = 'Lone Star Billing Partners';
export const DOMAIN = 'lonestarbilling.example';
export const AD_DOMAIN = 'LSBP';
export const AD_FQDN = 'corp.lonestarbilling.example';
export const TENANT_GUID = '7c1e5a2b-0d4f-4c3e-9a51-5b7f2e6d8a10';
/** Public (NAT) address of the Austin office, RFC 5737. */
export const OFFICE_PUBLIC_IP = '198.51.100.20';
/** The SFTP host's public address, where clearinghouses drop ERAs. */
export const SFTP_PUBLIC_IP = '198.51.100.25';
export const VPN_PUBLIC_IP = '198.51.100.21';

export type Role =
  | 'executive' | 'office_manager' | 'it_admin' | 'billing_manager' | 'billing_specialist'
  | 'medical_coder' | 'ar_specialist' | 'payment_poster' | 'credentialing';

export const ROLE_TITLES: Record<Role, string> = {
  executive: 'Chief Executive Officer',
  office_manager: 'Office Manager / Privacy Officer',
  it_admin: 'IT Administrator',
  billing_manager: 'Billing Manager',
  billing_specialist: 'Billing Specialist',
  medical_coder: 'Certified Medical Coder',
  ar_specialist: 'Accounts Receivable Specialist',
  payment_poster: 'Payment Posting Specialist',
  credentialing: 'Credentialing Specialist',
};

export interface Shift {
  name: 'early' | 'day' | 'late';
  /** Central wall-clock hours. */
  start: number;
  end: number;
}

export const SHIFTS: Record<Shift['name'], Shift> = {
  early: { name: 'early', start: 7, end: 15.5 },
  day: { name: 'day', start: 8, end: 17 },
  late: { name: 'late', start: 9.5, end: 18 },
};

export interface Staff {
  user: string;
  upn: string;
  name: string;
  role: Role;
  shift: Shift;
  /** Days of week (0 = Sunday) worked from home over the VPN. */
  remoteDays: number[];
  workstation: string;
  workstationIp: string;
  /** Home broadband address (RFC 5737), used for VPN and M365 sign-ins from home. */
  homeIp: string;
  homeCity: string;
  sid: string;
  status: 'active' | 'terminated';
  hired: string;
  terminated?: string;
}

export interface Provider {
  id: string;
  name: string;
  npi: string;
  tin: string;
  taxonomy: string;
  address: { street: string; city: string; state: string; zip: string };
  bank: { routing: string; account: string };
  /** CPT/HCPCS codes the practice bills, with typical charges. */
  procedures: [code: string, charge: number][];
  diagnoses: string[];
  /** Claims submitted per working day, roughly. */
  dailyClaims: number;
}

export interface Payer {
  id: string;
  name: string;
  /** TRN03 / BPR10: "1" + EIN. */
  payerId: string;
  /** NM1*PR id in the 837 (the payer id the clearinghouse routes on). */
  claimPayerId: string;
  filing: string;
  address: { street: string; city: string; state: string; zip: string };
  bank: { routing: string; account: string };
  /** Weekdays (1–5) this payer releases ERAs/EFTs. */
  eraDays: number[];
  /** Share of claims paid (rest denied). */
  payRate: number;
  /** Contractual allowed fraction of charge. */
  allowed: number;
}

export interface Company {
  name: string;
  domain: string;
  city: string;
  staff: Staff[];
  /** Former staff still in the roster (status terminated). */
  former: Staff[];
  providers: Provider[];
  payers: Payer[];
  clearinghouse: { name: string; submitterId: string; receiverId: string; sftpUser: string; ips: string[] };
  sftpAccounts: { user: string; purpose: string; ips: string[] }[];
  hosts: { name: string; ip: string; role: string }[];
}

const NAMES: [first: string, last: string, role: Role, shift: Shift['name'], remote: number[]][] = [
  ['Dana', 'Whitfield', 'executive', 'day', []],
  ['Marisol', 'Ortega', 'office_manager', 'day', []],
  ['Kevin', 'Tran', 'it_admin', 'day', []],
  ['Brandon', 'Caldwell', 'it_admin', 'late', [5]],
  ['Lorraine', 'Mendez', 'billing_manager', 'early', []],
  ['Gregory', 'Haskins', 'billing_manager', 'day', [1]],
  ['Tamika', 'Brooks', 'billing_specialist', 'day', []],
  ['Jessica', 'Alvarez', 'billing_specialist', 'early', []],
  ['Robert', 'Fleming', 'billing_specialist', 'day', [5]],
  ['Angela', 'Castillo', 'billing_specialist', 'early', []],
  ['Stephanie', 'Moore', 'billing_specialist', 'day', [1, 5]],
  ['Luis', 'Garza', 'billing_specialist', 'late', []],
  ['Heather', 'Simmons', 'billing_specialist', 'day', []],
  ['Patricia', 'Reyes', 'billing_specialist', 'early', [3]],
  ['Michael', 'Okafor', 'billing_specialist', 'day', []],
  ['Crystal', 'Dawson', 'billing_specialist', 'late', [1]],
  ['Veronica', 'Salinas', 'billing_specialist', 'day', []],
  ['Aaron', 'Pruitt', 'billing_specialist', 'day', [2, 4]],
  ['Monica', 'Villarreal', 'billing_specialist', 'early', []],
  ['Derek', 'Lawson', 'billing_specialist', 'late', []],
  ['Yolanda', 'Harris', 'billing_specialist', 'day', [5]],
  ['Brittany', 'Cole', 'billing_specialist', 'day', []],
  ['Sandra', 'Kim', 'medical_coder', 'early', [1, 2, 3, 4, 5]],
  ['Rachel', 'Goldberg', 'medical_coder', 'day', [1, 2, 3, 4, 5]],
  ['Hector', 'Delgado', 'medical_coder', 'day', []],
  ['Nicole', 'Fitzgerald', 'medical_coder', 'early', [2, 4]],
  ['Omar', 'Haddad', 'medical_coder', 'day', []],
  ['Kimberly', 'Tate', 'medical_coder', 'late', [1, 5]],
  ['Diana', 'Pham', 'medical_coder', 'day', []],
  ['Carlos', 'Medina', 'medical_coder', 'day', [3]],
  ['Lauren', 'Becker', 'medical_coder', 'early', []],
  ['Justin', 'Ward', 'medical_coder', 'day', [1, 2, 3, 4, 5]],
  ['Duc', 'Nguyen', 'ar_specialist', 'day', [1, 5]],
  ['Erica', 'Washington', 'ar_specialist', 'early', []],
  ['Samuel', 'Ortiz', 'ar_specialist', 'day', []],
  ['Melissa', 'Chandler', 'ar_specialist', 'late', [2]],
  ['Troy', 'Benson', 'ar_specialist', 'day', []],
  ['Gabriela', 'Flores', 'ar_specialist', 'day', [4]],
  ['Natalie', 'Price', 'ar_specialist', 'early', []],
  ['Kiran', 'Patel', 'payment_poster', 'day', []],
  ['Teresa', 'Luna', 'payment_poster', 'early', []],
  ['William', 'Hayes', 'payment_poster', 'day', [5]],
  ['Amber', 'Rios', 'payment_poster', 'late', []],
  ['Connie', 'Marshall', 'credentialing', 'day', []],
  ['Felicia', 'Grant', 'credentialing', 'day', [3]],
];

const FORMER: [first: string, last: string, role: Role, shift: Shift['name'], remote: number[]][] = [
  ['Ricardo', 'Jimenez', 'ar_specialist', 'day', [1, 5]],
  ['Allison', 'Hale', 'billing_specialist', 'day', []],
];

const HOME_CITIES = ['Austin', 'Round Rock', 'Pflugerville', 'Cedar Park', 'Kyle', 'Buda', 'Leander', 'Manor', 'Georgetown', 'Hutto'];

const PROVIDERS: [name: string, taxonomy: string, street: string, city: string, zip: string, procs: [string, number][], dx: string[], daily: number][] = [
  ['Hill Country Family Medicine', '207Q00000X', '4100 Bee Caves Rd Ste 210', 'Austin', '78746', [['99213', 135], ['99214', 195], ['99396', 260], ['90471', 35], ['36415', 18]], ['I10', 'E119', 'Z0000', 'J069', 'E785'], 14],
  ['Barton Creek Pediatrics', '208000000X', '2900 S Lamar Blvd Ste 300', 'Austin', '78704', [['99392', 210], ['99213', 130], ['90460', 40], ['90686', 38], ['87880', 30]], ['Z00129', 'J029', 'H6691', 'J069', 'R509'], 12],
  ['Pecan Street Orthopedics', '207X00000X', '1201 W 38th St Ste 400', 'Austin', '78705', [['99204', 320], ['99214', 210], ['20610', 180], ['73562', 95], ['L1832', 420]], ['M1711', 'M25561', 'S83241A', 'M5416', 'M75101'], 8],
  ['Travis Heights Cardiology', '207RC0000X', '1600 E Riverside Dr Ste 150', 'Austin', '78741', [['99214', 225], ['93000', 60], ['93306', 520], ['93880', 410], ['99215', 300]], ['I4891', 'I10', 'I2510', 'R079', 'I5022'], 7],
  ['Round Rock Dermatology Associates', '207N00000X', '2300 Round Rock Ave Ste 105', 'Round Rock', '78681', [['99213', 140], ['11102', 160], ['17000', 120], ['17003', 25], ['88305', 110]], ['L821', 'L570', 'D485', 'L700', 'C44311'], 10],
  ["Cedar Park Women's Health", '207V00000X', '1401 Medical Pkwy Ste 220', 'Cedar Park', '78613', [['99214', 200], ['76805', 310], ['59425', 980], ['99395', 250], ['88175', 70]], ['Z3481', 'Z01419', 'N926', 'O99891', 'Z3A20'], 9],
  ['Pflugerville Internal Medicine', '207R00000X', '15803 Windermere Dr Ste 301', 'Pflugerville', '78660', [['99214', 190], ['99215', 280], ['G0439', 175], ['83036', 28], ['80053', 34]], ['E119', 'I10', 'E785', 'N183', 'E039'], 13],
  ['San Marcos Urgent Care', '261QU0200X', '1340 Wonder World Dr', 'San Marcos', '78666', [['99203', 180], ['99213', 140], ['87426', 55], ['12001', 230], ['71046', 85]], ['U071', 'J069', 'S61411A', 'J029', 'R051'], 16],
  ['Georgetown Gastroenterology', '207RG0100X', '2000 Scenic Dr Ste 250', 'Georgetown', '78626', [['45378', 980], ['45385', 1250], ['43239', 880], ['99204', 300], ['88305', 110]], ['K219', 'Z1211', 'K5900', 'K621', 'D125'], 6],
  ['Bastrop Behavioral Health', '261QM0801X', '501 Chestnut St Ste B', 'Bastrop', '78602', [['90834', 140], ['90837', 190], ['90791', 220], ['99214', 180], ['96127', 15]], ['F411', 'F331', 'F900', 'F4310', 'F319'], 11],
  ['Lakeway Allergy & Asthma', '207K00000X', '2000 Medical Dr Ste 120', 'Lakeway', '78734', [['95004', 8], ['95165', 18], ['95117', 28], ['94010', 65], ['99214', 200]], ['J301', 'J4530', 'L2089', 'J3089', 'T7800XA'], 8],
  ['Lady Bird Lake Physical Therapy', '225100000X', '800 W Cesar Chavez St Ste 110', 'Austin', '78701', [['97110', 45], ['97140', 42], ['97161', 120], ['97530', 48], ['97112', 46]], ['M545', 'M25511', 'S83512A', 'M6281', 'M79604'], 12],
];

const PAYERS: [name: string, filing: string, street: string, city: string, state: string, zip: string, eraDays: number[], payRate: number, allowed: number][] = [
  ['Bluebonnet Health Plan', 'CI', 'PO Box 149020', 'Austin', 'TX', '78714', [2, 4], 0.93, 0.62],
  ['Lone Star Mutual Insurance', 'CI', 'PO Box 660044', 'Dallas', 'TX', '75266', [1, 3, 5], 0.9, 0.58],
  ['Southwest Medicare Services', 'MB', 'PO Box 3113', 'Mechanicsburg', 'PA', '17055', [1, 2, 3, 4, 5], 0.95, 0.48],
  ['Gulf Coast Medicaid Managed Care', 'MC', 'PO Box 301404', 'Houston', 'TX', '77230', [3], 0.86, 0.41],
  ['Brazos Valley Employee Benefits', 'BL', 'PO Box 2608', 'Waco', 'TX', '76702', [5], 0.91, 0.66],
];

/** Luhn check digit for an NPI body: the 9 digits prefixed by 80840. */
export function npiCheckDigit(body9: string): number {
  const digits = ('80840' + body9).split('').map(Number);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i];
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidNpi(npi: string): boolean {
  return /^[12]\d{9}$/.test(npi) && npiCheckDigit(npi.slice(0, 9)) === Number(npi[9]);
}

export function abaValid(r: string): boolean {
  if (!/^\d{9}$/.test(r)) return false;
  const d = r.split('').map(Number);
  return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 === 0;
}

function makeNpi(rng: Rng, type: 1 | 2): string {
  const body = String(type) + rng.digits(8);
  return body + String(npiCheckDigit(body));
}

function makeRouting(rng: Rng): string {
  // Unassigned ABA prefix 14–19, then a checksum digit that makes the weighted sum divisible by 10.
  const first8 = String(rng.int(14, 19)) + rng.digits(6);
  for (let c = 0; c <= 9; c++) if (abaValid(first8 + c)) return first8 + c;
  throw new Error('unreachable: some check digit always satisfies the ABA checksum');
}

function makeTin(rng: Rng): string {
  return rng.pick(['07', '08', '09']) + rng.digits(7);
}

function userName(first: string, last: string): string {
  return (first[0] + last).toLowerCase().replace(/[^a-z]/g, '');
}

export function buildCompany(seed: number): Company {
  const rng = streamFor(seed, 'company');
  const domainSid = `S-1-5-21-${rng.int(1000000000, 3999999999)}-${rng.int(1000000000, 3999999999)}-${rng.int(1000000000, 3999999999)}`;
  let rid = 1104;
  const person = ([first, last, role, shift, remote]: typeof NAMES[number], i: number, status: Staff['status']): Staff => {
    const user = userName(first, last);
    return {
      user,
      upn: `${user}@${DOMAIN}`,
      name: `${first} ${last}`,
      role,
      shift: SHIFTS[shift],
      remoteDays: remote,
      workstation: `LSBP-WS${String(i + 1).padStart(3, '0')}`,
      workstationIp: `10.20.10.${20 + i}`,
      homeIp: `198.51.100.${100 + i}`,
      homeCity: rng.pick(HOME_CITIES),
      sid: `${domainSid}-${rid++}`,
      status,
      hired: `20${rng.int(16, 24)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`,
    };
  };
  const staff = NAMES.map((n, i) => person(n, i, 'active'));
  const former = FORMER.map((n, i) => person(n, NAMES.length + i, 'terminated'));

  const providers: Provider[] = PROVIDERS.map(([name, taxonomy, street, city, zip, procedures, diagnoses, daily], i) => ({
    id: `P${String(i + 1).padStart(2, '0')}`,
    name, taxonomy,
    npi: makeNpi(rng, 2),
    tin: makeTin(rng),
    address: { street, city, state: 'TX', zip },
    bank: { routing: makeRouting(rng), account: rng.digits(rng.int(9, 12)) },
    procedures, diagnoses, dailyClaims: daily,
  }));

  const payers: Payer[] = PAYERS.map(([name, filing, street, city, state, zip, eraDays, payRate, allowed], i) => ({
    id: `PY${i + 1}`,
    name, filing,
    payerId: '1' + makeTin(rng),
    claimPayerId: String(rng.int(10000, 99999)),
    address: { street, city, state, zip },
    bank: { routing: makeRouting(rng), account: rng.digits(10) },
    eraDays, payRate, allowed,
  }));

  return {
    name: COMPANY_NAME,
    domain: DOMAIN,
    city: 'Austin, Texas',
    staff,
    former,
    providers,
    payers,
    clearinghouse: {
      name: 'Pecos EDI Exchange',
      submitterId: 'LSBP' + rng.digits(6),
      receiverId: 'PECOSEDI',
      sftpUser: 'pecos_era',
      ips: ['192.0.2.41', '192.0.2.42'],
    },
    sftpAccounts: [
      { user: 'pecos_era', purpose: 'clearinghouse drops ERAs (835) and picks up claims (837)', ips: ['192.0.2.41', '192.0.2.42'] },
      { user: 'swms_era', purpose: 'Southwest Medicare Services direct ERA delivery', ips: ['192.0.2.77'] },
      { user: 'lsbp_ops', purpose: 'internal job that moves files into the practice-management system', ips: ['10.20.1.30'] },
    ],
    hosts: [
      { name: 'LSBP-DC01', ip: '10.20.1.10', role: 'domain controller' },
      { name: 'LSBP-FS01', ip: '10.20.1.20', role: 'file server (scanned EOBs, exports, shared drives)' },
      { name: 'LSBP-RDS01', ip: '10.20.1.40', role: 'remote desktop host for remote staff' },
      { name: 'sftp01', ip: '10.20.1.30', role: 'Ubuntu SFTP host that receives ERAs (public ' + SFTP_PUBLIC_IP + ')' },
      { name: 'LSBP-FW01', ip: '10.20.0.1', role: 'FortiGate firewall and SSL VPN (public ' + VPN_PUBLIC_IP + ')' },
    ],
  };
}

export function staffByUser(company: Company, user: string): Staff {
  const s = [...company.staff, ...company.former].find((p) => p.user === user);
  if (!s) throw new Error(`demo company has no staff member "${user}"`);
  return s;
}

export function fqdn(host: string): string {
  return `${host}.${AD_FQDN}`;
}
