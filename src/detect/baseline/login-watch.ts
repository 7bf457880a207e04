// Login geography for any source with canonical fields (Entra sign-ins, VPN CEF, billing-app logins):
// new country for a user, optional new network, and impossible travel. These are baseline analytics
// because a Sigma rule cannot remember where a user logged in before (docs/rules.md).
import type { Alert, Event } from '../../core/index.ts';
import { analyticAlert, fieldNumber, fieldString, Suppressor, type AnalyticRule } from './alerts.ts';
import { normalizeCountry } from './country.ts';
import { CidrTable, GeoBaseline, type GeoConfig, type GeoState } from './geo.ts';

export const LOGIN_RULES = {
  newCountry: { id: 'claimguard.identity.new_country', title: 'Login from a country never seen for this user', level: 'medium', tags: ['attack.initial_access', 'attack.t1078'], source: 'src/detect/baseline/login-watch.ts' },
  newNetwork: { id: 'claimguard.identity.new_network', title: 'Login from a network never seen for this user', level: 'low', tags: ['attack.initial_access', 'attack.t1078'], source: 'src/detect/baseline/login-watch.ts' },
  impossibleTravel: { id: 'claimguard.identity.impossible_travel', title: 'Impossible travel between two logins', level: 'high', tags: ['attack.initial_access', 'attack.t1078'], source: 'src/detect/baseline/login-watch.ts' },
} as const satisfies Record<string, AnalyticRule>;

export interface LoginWatchConfig {
  geo?: Partial<GeoConfig>;
  /** Optional CIDR → ISO country table for events that carry no country. */
  countries?: CidrTable;
  /** Alert on new /24 or /48 networks too (noisy for mobile users; off by default). */
  alertNewNetwork?: boolean;
  /** Which events are logins: default = any event with user, src_ip and outcome "success". */
  isLogin?: (e: Event) => boolean;
  /** Entity key; default principalKey(`user`): one key for dnguyen, DNGUYEN, dnguyen@corp.com, CORP\\dnguyen. */
  entityOf?: (e: Event) => string | undefined;
  tenant?: string;
}

export interface LoginWatchState { version: 1; geo: GeoState; suppress: Record<string, number> }

export interface LoginWatch {
  process(event: Event): Alert[];
  state(): LoginWatchState;
}

/**
 * One key per person across sources: trimmed and lower-cased, without a Windows domain prefix
 * (`CORP\\dnguyen`, `corp.example/dnguyen`) and without a UPN / e-mail / Kerberos realm suffix
 * (`dnguyen@corp.com`). Undefined when nothing is left. Assumes user names are unique across the
 * tenant's domains (docs/rules.md); otherwise pass your own `entityOf`.
 */
export function principalKey(user: string | undefined | null): string | undefined {
  if (typeof user !== 'string') return undefined;
  let u = user.trim().toLowerCase();
  const bs = u.lastIndexOf('\\');
  if (bs >= 0) u = u.slice(bs + 1);
  else if (!u.includes('@')) {
    const slash = u.indexOf('/');
    if (slash > 0 && slash === u.lastIndexOf('/')) u = u.slice(slash + 1);
  }
  const at = u.lastIndexOf('@');
  if (at >= 0) u = u.slice(0, at);
  u = u.trim();
  return u === '' ? undefined : u;
}

function defaultIsLogin(e: Event): boolean {
  return e.fields.outcome === 'success' && typeof e.fields.user === 'string' && typeof e.fields.src_ip === 'string';
}

/** CEF devices put the source country in a labelled custom string (FortiGate: csN=… csNLabel=srccountry). */
export function cefCountry(e: Event): string | undefined {
  for (let n = 1; n <= 6; n++) {
    const label = e.fields[`cs${n}Label`];
    if (typeof label === 'string' && /^(?:src|source)[_ ]?country$/i.test(label)) {
      const v = fieldString(e, `cs${n}`);
      if (v && !/^reserved$/i.test(v)) return v;
    }
  }
  return undefined;
}

export function createLoginWatch(config: LoginWatchConfig = {}, state?: LoginWatchState): LoginWatch {
  const geo = new GeoBaseline(config.geo, state?.geo);
  const suppress = new Suppressor(state?.suppress);
  const isLogin = config.isLogin ?? defaultIsLogin;
  const entityOf = config.entityOf ?? ((e: Event) => principalKey(fieldString(e, 'user')));
  if (state && !config.entityOf) geo.rekey(principalKey);
  return {
    state: () => ({ version: 1, geo: geo.state(), suppress: suppress.state() }),
    process(event: Event): Alert[] {
      if (!Number.isFinite(event.time) || !isLogin(event)) return [];
      const user = entityOf(event);
      const ip = fieldString(event, 'src_ip');
      if (!user || !ip) return [];
      // Every source's spelling becomes an ISO 3166-1 alpha-2 code ("United States", "USA", "US" → US).
      const country = normalizeCountry(fieldString(event, 'src_country') ?? cefCountry(event) ?? config.countries?.lookup(ip));
      const lat = fieldNumber(event, 'src_lat');
      const lon = fieldNumber(event, 'src_lon');
      const obs = geo.observe(user, event.time, { ip, ...(country ? { country } : {}), ...(lat !== undefined && lon !== undefined ? { lat, lon } : {}) });
      const alerts: Alert[] = [];
      // The user as the event wrote it; the principal key that joined it with the user's other logins.
      const entities = { user: fieldString(event, 'user') ?? user, principal: user, src_ip: ip, src_country: country };
      if (obs.travel) {
        const t = obs.travel;
        const how = t.km !== undefined
          ? `${Math.round(t.km)} km in ${Math.round(t.minutes)} min (${Math.round(t.speedKmh ?? 0)} km/h)`
          : `${t.from.country} → ${country} within ${Math.round(t.minutes)} min`;
        if (!suppress.check(`travel|${user}`, event.time, 3_600_000)) {
          alerts.push(analyticAlert({ rule: LOGIN_RULES.impossibleTravel, events: [event], entities: { ...entities, previous_ip: t.from.ip, previous_country: t.from.country }, tenant: config.tenant,
            why: [`${user} logged in from ${t.from.ip}${t.from.country ? ` (${t.from.country})` : ''} and then from ${ip}${country ? ` (${country})` : ''}: ${how}, faster than travel allows.`] }));
        }
      }
      if (!obs.learning && obs.newCountry && country) {
        alerts.push(analyticAlert({ rule: LOGIN_RULES.newCountry, events: [event], entities, tenant: config.tenant,
          why: [`${user} logged in from ${country} (${ip}); countries seen before: ${obs.knownCountries.join(', ') || 'none'}.`] }));
      } else if (config.alertNewNetwork && !obs.learning && obs.newNetwork) {
        alerts.push(analyticAlert({ rule: LOGIN_RULES.newNetwork, events: [event], entities: { ...entities, network: obs.network }, tenant: config.tenant,
          why: [`${user} logged in from network ${obs.network}, not among the ${obs.knownNetworks} networks seen before.`] }));
      }
      return alerts;
    },
  };
}
