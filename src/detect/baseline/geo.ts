// Geography and networks per entity: which networks (/24 for IPv4, /48 for IPv6) and countries an
// entity logs in from, with a learning period, plus impossible-travel checks between consecutive
// successful logins. Countries come from the event (Entra `location`, CEF geo fields) or from an
// operator-supplied CIDR → country table; ClaimGuard ships no GeoIP database.

import { normalizeCountry } from './country.ts';
import { EntityCap } from './entity-cap.ts';

// ---------------------------------------------------------------------------------------------
// addresses

/** IPv4 dotted quad → unsigned 32-bit number, or undefined. */
export function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

/** IPv6 text → 8 hextets, or undefined (accepts :: compression and an embedded IPv4 tail). */
export function ipv6ToHextets(ip: string): number[] | undefined {
  let t = ip.trim().toLowerCase();
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!/^[0-9a-f:.]+$/.test(t) || !t.includes(':')) return undefined;
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4ToInt(t.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    t = `${t.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const parts = t.split('::');
  if (parts.length > 2) return undefined;
  const head = parts[0] ? parts[0].split(':') : [];
  const rest = parts.length === 2 && parts[1] ? parts[1].split(':') : [];
  const want = 8;
  const fill = parts.length === 2 ? want - head.length - rest.length : 0;
  if (fill < 0 || (parts.length === 1 && head.length !== want)) return undefined;
  const all = [...head, ...new Array<string>(fill).fill('0'), ...rest];
  const out: number[] = [];
  for (const h of all) {
    if (!/^[0-9a-f]{1,4}$/.test(h)) return undefined;
    out.push(parseInt(h, 16));
  }
  return out.length === 8 ? out : undefined;
}

/** The network an address belongs to for baselining: "a.b.c.0/24" or "xxxx:xxxx:xxxx::/48". */
export function networkOf(ip: string): string | undefined {
  const v4 = ipv4ToInt(ip);
  if (v4 !== undefined) return `${Math.floor(v4 / 16777216)}.${Math.floor(v4 / 65536) % 256}.${Math.floor(v4 / 256) % 256}.0/24`;
  const v6 = ipv6ToHextets(ip);
  if (v6) {
    // IPv4-mapped addresses baseline as IPv4.
    if (v6.slice(0, 5).every((h) => h === 0) && v6[5] === 0xffff) return networkOf(`${v6[6] >> 8}.${v6[6] & 255}.${v6[7] >> 8}.${v6[7] & 255}`);
    return `${v6.slice(0, 3).map((h) => h.toString(16)).join(':')}::/48`;
  }
  return undefined;
}

interface Range4 { start: number; end: number; bits: number; value: string }
interface Range6 { prefix: number[]; bits: number; value: string }

export interface CidrEntry { cidr: string; value: string }

/** Longest-prefix lookup over a CIDR → value table (countries, site names, "vpn pool" …). */
export class CidrTable {
  private readonly v4: Range4[] = [];
  private readonly v6: Range6[] = [];
  /** Rows that were not valid CIDRs, with their index, so loaders can report them. */
  readonly rejected: { index: number; cidr: string }[] = [];

  constructor(entries: CidrEntry[]) {
    entries.forEach((e, index) => {
      if (!this.add(e.cidr, e.value)) this.rejected.push({ index, cidr: e.cidr });
    });
    this.v4.sort((a, b) => a.start - b.start || b.bits - a.bits);
  }

  get size(): number { return this.v4.length + this.v6.length; }

  private add(cidr: string, value: string): boolean {
    const [addr, bitsText] = cidr.trim().split('/');
    const v4 = ipv4ToInt(addr);
    if (v4 !== undefined) {
      const bits = bitsText === undefined ? 32 : Number(bitsText);
      if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
      const size = 2 ** (32 - bits);
      const start = Math.floor(v4 / size) * size;
      this.v4.push({ start, end: start + size - 1, bits, value });
      return true;
    }
    const v6 = ipv6ToHextets(addr ?? '');
    if (v6) {
      const bits = bitsText === undefined ? 128 : Number(bitsText);
      if (!Number.isInteger(bits) || bits < 0 || bits > 128) return false;
      this.v6.push({ prefix: v6, bits, value });
      return true;
    }
    return false;
  }

  lookup(ip: string): string | undefined {
    const v4 = ipv4ToInt(ip);
    if (v4 !== undefined) {
      // Last range starting at or before the address; nested ranges follow their parent, so scan back.
      let lo = 0, hi = this.v4.length - 1, at = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (this.v4[mid].start <= v4) { at = mid; lo = mid + 1; } else hi = mid - 1;
      }
      let best: Range4 | undefined;
      for (let i = at, seen = 0; i >= 0 && seen < 64; i--, seen++) {
        const r = this.v4[i];
        if (r.start <= v4 && v4 <= r.end && (!best || r.bits > best.bits)) best = r;
        if (r.bits === 0) break;
      }
      return best?.value;
    }
    const v6 = ipv6ToHextets(ip);
    if (!v6) return undefined;
    let best: Range6 | undefined;
    for (const r of this.v6) if (prefixMatch6(v6, r.prefix, r.bits) && (!best || r.bits > best.bits)) best = r;
    return best?.value;
  }
}

function prefixMatch6(a: number[], p: number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const take = Math.min(16, bits);
    const mask = take === 16 ? 0xffff : (0xffff << (16 - take)) & 0xffff;
    if ((a[i] & mask) !== (p[i] & mask)) return false;
  }
  return true;
}

const PRIVATE = new CidrTable([
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10', '0.0.0.0/8',
  '::1/128', 'fc00::/7', 'fe80::/10',
].map((cidr) => ({ cidr, value: 'private' })));

/** RFC 1918, loopback, link-local, CGNAT and IPv6 ULA/link-local addresses. */
export function isPrivateIp(ip: string): boolean {
  return PRIVATE.lookup(ip) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// travel

/** Great-circle distance in km. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = (d: number): number => (d * Math.PI) / 180;
  const a = Math.sin(r(lat2 - lat1) / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(r(lon2 - lon1) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}

// ---------------------------------------------------------------------------------------------
// baseline

export interface GeoConfig {
  /** An entity is learning (no new-network/country alerts) until it is this old … */
  learnDays: number;
  /** … and has this many logins. */
  learnEvents: number;
  /** Impossible travel: speed above this between two logins with coordinates. */
  maxSpeedKmh: number;
  /** … and at least this far apart (GeoIP jitter). */
  minTravelKm: number;
  /** Without coordinates: two countries within this many minutes count as impossible travel. */
  countryHopMinutes: number;
  maxNetworksPerEntity: number;
  maxEntities: number;
}

export const DEFAULT_GEO_CONFIG: GeoConfig = {
  learnDays: 7, learnEvents: 5, maxSpeedKmh: 900, minTravelKm: 500, countryHopMinutes: 120, maxNetworksPerEntity: 500, maxEntities: 50_000,
};

export interface GeoPoint { ip: string; country?: string; lat?: number; lon?: number }

interface Seen { first: number; last: number; count: number }
interface EntityGeo {
  firstSeen: number;
  events: number;
  networks: Record<string, Seen>;
  countries: Record<string, Seen>;
  last?: { time: number } & GeoPoint;
}

export interface GeoState { version: 1; entities: Record<string, EntityGeo> }

export interface GeoObservation {
  network?: string;
  country?: string;
  /** The entity is still in its learning period: new-ness is recorded, not alerted. */
  learning: boolean;
  newNetwork: boolean;
  newCountry: boolean;
  /** Networks and countries already known for the entity (for the alert text). */
  knownNetworks: number;
  knownCountries: string[];
  travel?: { from: GeoPoint & { time: number }; minutes: number; km?: number; speedKmh?: number };
}

export class GeoBaseline {
  readonly config: GeoConfig;
  private readonly s: GeoState;
  constructor(config: Partial<GeoConfig> = {}, state?: GeoState) {
    this.config = { ...DEFAULT_GEO_CONFIG, ...config };
    this.s = state ?? { version: 1, entities: {} };
    // State saved before countries were normalised may hold "UNITED STATES" beside "US": merge them.
    if (state) for (const e of Object.values(this.s.entities)) normalizeCountries(e);
  }

  /**
   * Re-key the entities (e.g. after the entity key rule changed): entities whose new keys collide are
   * merged (earliest firstSeen, summed counts, union of networks and countries, newest last login).
   */
  rekey(keyOf: (entity: string) => string | undefined): void {
    const out: Record<string, EntityGeo> = {};
    for (const [k, e] of Object.entries(this.s.entities)) {
      const nk = keyOf(k) ?? k;
      const prev = out[nk];
      out[nk] = prev ? mergeEntity(prev, e, this.config.maxNetworksPerEntity) : e;
    }
    this.s.entities = out;
    this.cap.reset();
  }

  state(): GeoState { return this.s; }

  /** Scores a (successful) login from `point` at `time`, then learns it. */
  observe(entity: string, time: number, point: GeoPoint): GeoObservation {
    const c = this.config;
    let e = this.s.entities[entity];
    if (!e) {
      this.cap.makeRoom(this.s.entities);
      e = { firstSeen: time, events: 0, networks: {}, countries: {} };
      this.s.entities[entity] = e;
    }
    const network = networkOf(point.ip);
    const country = normalizeCountry(point.country);
    const learning = time - e.firstSeen < c.learnDays * 86_400_000 || e.events < c.learnEvents;
    const obs: GeoObservation = {
      network, country, learning,
      newNetwork: network !== undefined && !e.networks[network] && !isPrivateIp(point.ip),
      newCountry: country !== undefined && !e.countries[country],
      knownNetworks: Object.keys(e.networks).length,
      knownCountries: Object.keys(e.countries),
    };
    const prev = e.last;
    if (prev && time >= prev.time) {
      const minutes = (time - prev.time) / 60_000;
      if (prev.lat !== undefined && prev.lon !== undefined && point.lat !== undefined && point.lon !== undefined) {
        const km = haversineKm(prev.lat, prev.lon, point.lat, point.lon);
        const speedKmh = km / Math.max(minutes / 60, 1 / 60);
        if (km >= c.minTravelKm && speedKmh > c.maxSpeedKmh) obs.travel = { from: prev, minutes, km, speedKmh };
      } else if (prev.country && country && prev.country !== country && minutes <= c.countryHopMinutes) {
        obs.travel = { from: prev, minutes };
      }
    }
    e.events++;
    if (network) touch(e.networks, network, time, c.maxNetworksPerEntity);
    if (country) touch(e.countries, country, time, 300);
    if (!prev || time >= prev.time) e.last = { time, ...point, ...(country ? { country } : {}) };
    return obs;
  }

  private readonly cap = new EntityCap<EntityGeo>(() => this.config.maxEntities, (e) => e.last?.time ?? 0);

}

function mergeSeen(a: Seen | undefined, b: Seen): Seen {
  return a ? { first: Math.min(a.first, b.first), last: Math.max(a.last, b.last), count: a.count + b.count } : { ...b };
}

function capMap(map: Record<string, Seen>, cap: number): Record<string, Seen> {
  const keys = Object.keys(map);
  if (keys.length <= cap) return map;
  keys.sort((x, y) => map[y].last - map[x].last);
  return Object.fromEntries(keys.slice(0, cap).map((k) => [k, map[k]]));
}

function normalizeCountries(e: EntityGeo): void {
  const out: Record<string, Seen> = {};
  for (const [k, v] of Object.entries(e.countries)) {
    const code = normalizeCountry(k) ?? k;
    out[code] = mergeSeen(out[code], v);
  }
  e.countries = out;
  if (e.last?.country !== undefined) {
    const code = normalizeCountry(e.last.country);
    e.last = { ...e.last, ...(code ? { country: code } : {}) };
  }
}

function mergeEntity(a: EntityGeo, b: EntityGeo, maxNetworks: number): EntityGeo {
  const networks: Record<string, Seen> = { ...a.networks };
  for (const [k, v] of Object.entries(b.networks)) networks[k] = mergeSeen(networks[k], v);
  const countries: Record<string, Seen> = { ...a.countries };
  for (const [k, v] of Object.entries(b.countries)) countries[k] = mergeSeen(countries[k], v);
  const last = !a.last ? b.last : !b.last ? a.last : b.last.time > a.last.time ? b.last : a.last;
  return {
    firstSeen: Math.min(a.firstSeen, b.firstSeen), events: a.events + b.events,
    networks: capMap(networks, maxNetworks), countries: capMap(countries, 300), ...(last ? { last } : {}),
  };
}

function touch(map: Record<string, Seen>, key: string, time: number, cap: number): void {
  const s = map[key];
  if (s) { s.count++; s.last = Math.max(s.last, time); return; }
  const keys = Object.keys(map);
  if (keys.length >= cap) {
    let oldest = keys[0];
    for (const k of keys) if (map[k].last < map[oldest].last) oldest = k;
    delete map[oldest];
  }
  map[key] = { first: time, last: time, count: 1 };
}
