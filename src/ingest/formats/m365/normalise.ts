// One parsed JSON record → one Event, for every Microsoft cloud audit shape ClaimGuard reads:
//   Microsoft 365 Unified Audit Log (Management Activity API, Search-UnifiedAuditLog AuditData,
//     Sentinel `OfficeActivity` rows, Defender XDR `CloudAppEvents` rows carrying RawEventData)
//   Entra ID sign-ins (Graph `signIn`, diagnostic-settings export, Sentinel `SigninLogs` and the
//     AADNonInteractiveUser/ServicePrincipal/ManagedIdentity sign-in tables)
//   Entra ID audit (Graph `directoryAudit`, diagnostic-settings export, Sentinel `AuditLogs`)
//   Entra ID Identity Protection risk detections, Azure Activity Log (diagnostic export, `AzureActivity`)
//   Defender XDR advanced-hunting rows (Device*/Identity* tables)
// Native fields are kept (flattened with dotted keys); on top, each shape gets the field names
// SigmaHQ's cloud rules use (docs/m365.md lists them) and the canonical user/src_ip/outcome fields.
import { ClaimGuardError, type Fields, type FieldValue, type LogSource, type Location, type ParsedEvent } from '../../../core/index.ts';
import type { ParseResult } from '../types.ts';
import { flattenInto, flattenRecord, isPlainObject, parseJsonString, unquote, type Json } from './flatten.ts';

export type M365Kind = 'ual' | 'signin' | 'audit' | 'risk' | 'activity' | 'defender';

export interface NormaliseOptions {
  /** Mail domains that count as internal for forwarding checks (the user's own domain always does). */
  internalDomains?: string[];
  keepRaw?: boolean;
}

type Obj = Record<string, Json>;

const SIGNIN_TABLES = new Set(['signinlogs', 'aadnoninteractiveusersigninlogs', 'aadserviceprincipalsigninlogs', 'aadmanagedidentitysigninlogs', 'aadprovisioninglogs']);
const SIGNIN_CATEGORIES = new Set(['signinlogs', 'noninteractiveusersigninlogs', 'serviceprincipalsigninlogs', 'managedidentitysigninlogs']);
const RISK_CATEGORIES = new Set(['userriskevents', 'riskyusers', 'serviceprincipalriskevents', 'riskyserviceprincipals']);
const ACTIVITY_CATEGORIES = new Set(['administrative', 'security', 'servicehealth', 'alert', 'recommendation', 'policy', 'autoscale', 'resourcehealth']);

/** Case-insensitive own-property lookup (Sentinel uses PascalCase, Graph camelCase). */
export function pick(o: unknown, ...names: string[]): Json | undefined {
  if (!isPlainObject(o)) return undefined;
  for (const n of names) {
    if (Object.hasOwn(o, n) && o[n] !== undefined) return o[n];
  }
  let keys = lowerKeys.get(o);
  if (!keys) {
    keys = new Map();
    for (const k of Object.keys(o)) { const l = k.toLowerCase(); if (!keys.has(l)) keys.set(l, k); }
    lowerKeys.set(o, keys);
  }
  for (const n of names) {
    const k = keys.get(n.toLowerCase());
    if (k !== undefined) return o[k];
  }
  return undefined;
}

/** Lower-cased key → actual key, built once per object that needed a case-blind lookup. */
const lowerKeys = new WeakMap<object, Map<string, string>>();

/** Like pick, but parses JSON held in strings and returns an object or undefined. */
function pickObj(o: unknown, ...names: string[]): Obj | undefined {
  const v = pick(o, ...names);
  if (isPlainObject(v)) return v;
  const p = parseJsonString(v);
  return isPlainObject(p) ? p : undefined;
}

function pickArr(o: unknown, ...names: string[]): Json[] | undefined {
  const v = pick(o, ...names);
  if (Array.isArray(v)) return v;
  const p = parseJsonString(v);
  return Array.isArray(p) ? p : undefined;
}

function str(v: Json | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** First of `names` holding a non-empty scalar (exports fill absent columns with ""). */
function pickStr(o: unknown, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = str(pick(o, n));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Shape of a record, or undefined when it is none of ours. */
export function classify(rec: Obj): M365Kind | undefined {
  const type = pickStr(rec, 'Type')?.toLowerCase();
  if (type === 'officeactivity') return 'ual';
  if (type && SIGNIN_TABLES.has(type)) return 'signin';
  if (type === 'auditlogs') return 'audit';
  if (type === 'azureactivity') return 'activity';
  if (type === 'aaduserriskevents' || type === 'aadriskyusers') return 'risk';
  const props = pick(rec, 'properties');
  const category = pickStr(rec, 'category')?.toLowerCase();
  if (category && isPlainObject(props)) {
    if (SIGNIN_CATEGORIES.has(category)) return 'signin';
    if (category === 'auditlogs') return 'audit';
    if (RISK_CATEGORIES.has(category)) return 'risk';
    if (ACTIVITY_CATEGORIES.has(category)) return 'activity';
  }
  const raw = pickObj(rec, 'RawEventData');
  if (raw && pick(rec, 'Timestamp') !== undefined && pick(raw, 'Operation') !== undefined) return 'ual';
  if (pick(rec, 'Operation') !== undefined
    && (pick(rec, 'CreationTime') !== undefined || pick(rec, 'Workload') !== undefined || pick(rec, 'OfficeWorkload') !== undefined || pick(rec, 'RecordType') !== undefined)) return 'ual';
  // Sentinel AuditLogs rows are sometimes exported with a rewritten Type column (OTRF data: "Application").
  if (pick(rec, 'OperationName') !== undefined && pick(rec, 'ActivityDisplayName') !== undefined
    && (pick(rec, 'LoggedByService') !== undefined || pick(rec, 'AADOperationType') !== undefined)) return 'audit';
  if (pick(rec, 'riskEventType') !== undefined && (pick(rec, 'detectedDateTime') !== undefined || pick(rec, 'activityDateTime') !== undefined)) return 'risk';
  if (pick(rec, 'activityDisplayName') !== undefined && pick(rec, 'activityDateTime') !== undefined) return 'audit';
  if (pick(rec, 'createdDateTime') !== undefined && (pick(rec, 'userPrincipalName') !== undefined || pick(rec, 'appId') !== undefined)
    && (pick(rec, 'status') !== undefined || pick(rec, 'ipAddress') !== undefined)) return 'signin';
  if (pick(rec, 'Timestamp') !== undefined && pick(rec, 'ActionType') !== undefined) return 'defender';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// time

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** ISO-8601 with or without zone (no zone = UTC, which is what every Microsoft export uses). */
export function parseIsoTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = ISO.exec(v.trim());
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m.slice(1);
  const ms = frac ? Math.floor(Number((frac + '00').slice(0, 3))) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(t);
  if (check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const z = zone.slice(1).replace(':', '');
    t -= sign * (Number(z.slice(0, 2)) * 60 + Number(z.slice(2, 4))) * 60_000;
  }
  return Number.isFinite(t) ? t : undefined;
}

// ---------------------------------------------------------------------------------------------
// canonical helpers

/** Splits "1.2.3.4:5678", "[2001:db8::1]:443", "2001:db8::1" into address and optional port. */
export function splitIpPort(v: string | undefined): { ip?: string; port?: number } {
  if (!v) return {};
  const t = v.trim();
  if (!t || t === '-' || t === '::') return {};
  let m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(t);
  if (m) return { ip: m[1].toLowerCase(), ...(m[2] ? { port: Number(m[2]) } : {}) };
  m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(t);
  if (m) return { ip: m[1], ...(m[2] ? { port: Number(m[2]) } : {}) };
  if (/^[0-9a-f:]+(?:\.\d{1,3}){0,4}$/i.test(t) && t.includes(':')) return { ip: t.toLowerCase() };
  return {};
}

function canonUser(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const t = v.trim();
  return t.includes('@') ? t.toLowerCase() : t;
}

function outcomeOf(v: string | undefined): 'success' | 'failure' | undefined {
  if (!v) return undefined;
  const t = v.toLowerCase();
  if (t === 'succeeded' || t === 'success' || t === 'true' || t === 'partiallysucceeded' || t === '0') return 'success';
  if (t === 'failed' || t === 'failure' || t === 'false' || t === 'timeout' || t === 'interrupted') return 'failure';
  return undefined;
}

function setCanon(f: Fields, user: string | undefined, ip: string | undefined, outcome: string | undefined): void {
  const u = canonUser(user);
  if (u) f.user = u;
  const { ip: addr, port } = splitIpPort(ip);
  if (addr) f.src_ip = addr;
  if (port !== undefined) f.src_port = port;
  if (outcome) f.outcome = outcome;
}

/** Adds `<prefix>.<Name>` = Value for Microsoft's [{Name, Value}] lists (and bare names when asked). */
function nameValueList(f: Fields, key: string, list: Json[] | undefined, bare: boolean): void {
  if (!list) return;
  for (const el of list) {
    let name: string | undefined, value: Json | undefined;
    if (isPlainObject(el)) {
      name = pickStr(el, 'Name', 'key');
      value = pick(el, 'NewValue', 'Value', 'value');
    } else if (typeof el === 'string') {
      // PowerShell-rendered "@{Value=Bind; Name=MailAccessType}" (Defender RawEventData).
      const m = /^@\{Value=(.*); Name=([^;}]*)\}$/.exec(el);
      if (m) { name = m[2]; value = m[1]; }
    }
    if (!name || value === undefined) continue;
    const v: FieldValue = value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
    const dotted = `${key}.${name}`;
    if (!Object.hasOwn(f, dotted)) f[dotted] = v;
    if (bare && !Object.hasOwn(f, name)) f[name] = v;
  }
}

const EMAIL = /[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/gi;

function emailsIn(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return [...s.matchAll(EMAIL)].map((m) => m[0].toLowerCase());
}

function domainOf(addr: string): string {
  return addr.slice(addr.lastIndexOf('@') + 1).toLowerCase();
}

function isInternalDomain(domain: string, internal: string[]): boolean {
  return internal.some((d) => domain === d || domain.endsWith('.' + d));
}

const FORWARD_PARAMS = ['ForwardTo', 'ForwardAsAttachmentTo', 'RedirectTo', 'ForwardingSmtpAddress', 'ForwardingAddress', 'RedirectMessageTo', 'BlindCopyTo', 'AddToRecipients', 'CopyTo'];
const FORWARD_OPERATIONS = new Set(['new-inboxrule', 'set-inboxrule', 'updateinboxrules', 'set-mailbox', 'new-transportrule', 'set-transportrule']);

/**
 * For mailbox-rule and forwarding operations: `forward_targets` (addresses) and `forward_external`
 * ("true" when any target's domain is not the acting user's, the organisation's or a configured one).
 */
function forwarding(f: Fields, op: string, user: string | undefined, org: string | undefined, opts: NormaliseOptions): void {
  if (!FORWARD_OPERATIONS.has(op.toLowerCase())) return;
  const targets = new Set<string>();
  for (const p of FORWARD_PARAMS) for (const e of emailsIn(f[`Parameters.${p}`])) targets.add(e);
  if (op.toLowerCase() === 'updateinboxrules') {
    for (const [k, v] of Object.entries(f)) {
      if (k.startsWith('OperationProperties.') && /action|recipient|forward|redirect/i.test(k)) for (const e of emailsIn(v)) targets.add(e);
    }
  }
  if (!targets.size) return;
  const internal = (opts.internalDomains ?? []).map((d) => d.toLowerCase());
  if (user?.includes('@')) internal.push(domainOf(user));
  if (org) internal.push(org.toLowerCase());
  const list = [...targets];
  f.forward_targets = list;
  f.forward_external = list.some((t) => !isInternalDomain(domainOf(t), internal)) ? 'true' : 'false';
}

// ---------------------------------------------------------------------------------------------
// per shape

interface Built { time: number | undefined; logsource: LogSource; fields: Fields }

function buildUal(rec0: Obj, opts: NormaliseOptions): Built {
  // Defender XDR CloudAppEvents carries the UAL record in RawEventData.
  const raw = pickObj(rec0, 'RawEventData');
  const rec: Obj = raw && pick(raw, 'Operation') !== undefined ? raw : rec0;
  const f = flattenRecord(rec);
  if (rec !== rec0) {
    for (const k of ['ActionType', 'Application', 'CountryCode', 'City', 'ISP', 'IsAnonymousProxy', 'ReportId', 'AccountDisplayName']) {
      const v = pick(rec0, k);
      if (v !== undefined && v !== null && typeof v !== 'object' && !Object.hasOwn(f, k)) f[k] = v;
    }
  }
  nameValueList(f, 'Parameters', pickArr(rec, 'Parameters'), false);
  nameValueList(f, 'OperationProperties', pickArr(rec, 'OperationProperties'), false);
  nameValueList(f, 'ModifiedProperties', pickArr(rec, 'ModifiedProperties'), false);
  nameValueList(f, 'ExtendedProperties', pickArr(rec, 'ExtendedProperties'), true);
  nameValueList(f, 'DeviceProperties', pickArr(rec, 'DeviceProperties'), true);

  const workload = pickStr(rec, 'Workload', 'OfficeWorkload');
  if (workload && !Object.hasOwn(f, 'Workload')) f.Workload = workload;
  const op = pickStr(rec, 'Operation') ?? '';
  const ip = pickStr(rec, 'ClientIP', 'ClientIPAddress', 'Client_IPAddress', 'ActorIpAddress') ?? pickStr(rec0, 'IPAddress');
  if (ip && !Object.hasOwn(f, 'ClientIP')) f.ClientIP = ip;
  const userId = pickStr(rec, 'UserId', 'UserId_');
  const resultStatus = pickStr(rec, 'ResultStatus');
  let outcome = outcomeOf(resultStatus);
  if (/^userloginfailed$/i.test(op)) outcome = 'failure';
  // Aliases used by SigmaHQ's m365 exchange / threat_management rules.
  if (workload) f.eventSource = workload;
  const alertName = workload === 'SecurityComplianceCenter' ? pickStr(rec, 'Name', 'AlertName') : undefined;
  f.eventName = alertName ?? op;
  if (outcome || alertName) f.status = outcome ?? 'success';
  setCanon(f, userId, ip, outcome);
  const country = pickStr(rec0, 'CountryCode');
  if (country) f.src_country = country.toUpperCase();
  forwarding(f, op, userId, pickStr(rec, 'OrganizationName'), opts);

  const service = workload === 'Exchange' ? 'exchange'
    : workload === 'SecurityComplianceCenter' ? 'threat_management'
      : 'audit';
  const time = parseIsoTime(pick(rec, 'CreationTime')) ?? parseIsoTime(pick(rec0, 'TimeGenerated', 'Timestamp'));
  return { time, logsource: { product: 'm365', service }, fields: f };
}

function buildSignin(rec: Obj): Built {
  const props = pickObj(rec, 'properties');
  const isDiag = !!props && pick(rec, 'category') !== undefined;
  const s: Obj = isDiag ? props : rec;
  const f = flattenRecord(rec);
  const status = pickObj(s, 'status') ?? pickObj(rec, 'Status');
  const errorCodeRaw = pick(status, 'errorCode') ?? pick(rec, 'ResultType', 'resultType');
  const errorCode = errorCodeRaw === undefined || errorCodeRaw === null ? undefined
    : typeof errorCodeRaw === 'number' ? errorCodeRaw : /^-?\d+$/.test(String(errorCodeRaw).trim()) ? Number(errorCodeRaw) : undefined;
  const upn = pickStr(s, 'userPrincipalName') ?? pickStr(rec, 'identity');
  const ip = pickStr(s, 'ipAddress', 'IPAddress') ?? pickStr(rec, 'callerIpAddress');
  const device = pickObj(s, 'deviceDetail');
  const locObj = pickObj(s, 'location', 'LocationDetails') ?? pickObj(rec, 'LocationDetails');
  const country = pickStr(locObj, 'countryOrRegion') ?? (isDiag ? pickStr(rec, 'location') : pickStr(rec, 'Location'));

  // Graph's lower-case objects would shadow the SigmaHQ names below in a case-blind engine.
  for (const k of ['status', 'location']) if (Object.hasOwn(f, k) && typeof f[k] !== 'number') delete f[k];
  if (errorCode !== undefined) f.ResultType = errorCode;
  const desc = pickStr(status, 'failureReason') ?? pickStr(rec, 'ResultDescription', 'resultDescription');
  if (desc) f.ResultDescription = desc;
  const details = pickStr(status, 'additionalDetails');
  if (details) f['Status.additionalDetails'] = details;
  // "Success", or "Failure" plus the details ("Failure; MFA denied; user declined the authentication"),
  // so SigmaHQ's `Status: Success` and `Status|contains: 'MFA Denied'` both work.
  if (errorCode !== undefined) f.Status = errorCode === 0 ? 'Success' : details ? `Failure; ${details}` : 'Failure';
  if (upn) { f.UserPrincipalName = upn; f.Username = upn; }
  const display = pickStr(s, 'userDisplayName');
  if (display) f.UserDisplayName = display;
  if (ip) f.IPAddress = ip;
  const setIf = (k: string, v: string | undefined): void => { if (v !== undefined) f[k] = v; };
  setIf('AppDisplayName', pickStr(s, 'appDisplayName'));
  setIf('AppId', pickStr(s, 'appId'));
  setIf('ResourceDisplayName', pickStr(s, 'resourceDisplayName'));
  setIf('ClientApp', pickStr(s, 'clientAppUsed'));
  setIf('conditionalAccessStatus', pickStr(s, 'conditionalAccessStatus'));
  setIf('AuthenticationRequirement', pickStr(s, 'authenticationRequirement'));
  setIf('RiskState', pickStr(s, 'riskState'));
  setIf('RiskLevelDuringSignIn', pickStr(s, 'riskLevelDuringSignIn'));
  setIf('AuthenticationProtocol', pickStr(s, 'authenticationProtocol'));
  setIf('IsInteractive', pickStr(s, 'isInteractive'));
  const ua = pickStr(s, 'userAgent');
  if (ua) { f.userAgent = ua; if (!Object.hasOwn(f, 'UserAgent')) f.UserAgent = ua; }
  if (device) {
    for (const [k, v] of Object.entries(device)) {
      if (v === null || typeof v !== 'object') f[`DeviceDetail.${k}`] = v === null ? null : typeof v === 'boolean' ? String(v) : v;
    }
    const trust = pick(device, 'trustType');
    f['DeviceDetail.trusttype'] = trust === undefined || trust === null ? null : String(trust);
  }
  if (locObj) {
    for (const k of ['city', 'state', 'countryOrRegion']) { const v = pickStr(locObj, k); if (v) f[`LocationDetails.${k}`] = v; }
  }
  if (country) f.Location = country;
  const nld = pick(s, 'networkLocationDetails');
  if (nld !== undefined) f.NetworkLocationDetails = typeof nld === 'string' ? nld : JSON.stringify(nld);
  f.ActivityDetails = 'Sign-ins';
  const authDetails = pickArr(s, 'authenticationDetails');
  const method = authDetails?.map((d) => pickStr(d, 'authenticationMethod')).filter((x): x is string => !!x && x !== 'Previously satisfied');
  if (method?.length) f.auth_method = method[method.length - 1];

  setCanon(f, upn, ip, errorCode === undefined ? undefined : errorCode === 0 ? 'success' : 'failure');
  if (country) f.src_country = country.toUpperCase();
  const geo = pickObj(locObj, 'geoCoordinates');
  const lat = pick(geo, 'latitude'), lon = pick(geo, 'longitude');
  if (typeof lat === 'number' && typeof lon === 'number') { f.src_lat = lat; f.src_lon = lon; }
  const time = parseIsoTime(pick(s, 'createdDateTime')) ?? parseIsoTime(pick(rec, 'time', 'TimeGenerated'));
  return { time, logsource: { product: 'azure', service: 'signinlogs' }, fields: f };
}

function buildAudit(rec: Obj): Built {
  const props = pickObj(rec, 'properties');
  const isDiag = !!props && pick(rec, 'category') !== undefined;
  const a: Obj = isDiag ? props : rec;
  const f = flattenRecord(rec);
  const activity = (pickStr(a, 'activityDisplayName') ?? pickStr(rec, 'OperationName', 'operationName'))?.trim();
  if (activity) {
    f['properties.message'] = activity;
    f.ActivityDisplayName = activity;
    f.OperationName = activity;
    f.operationName = activity;
  }
  const category = pickStr(a, 'category') ?? pickStr(rec, 'Category');
  if (category) f.Category = category;
  const service = pickStr(a, 'loggedByService');
  if (service) f.LoggedByService = service;
  const opType = pickStr(a, 'operationType', 'AADOperationType');
  if (opType) f.AADOperationType = opType;
  const result = pickStr(a, 'result') ?? pickStr(rec, 'Result');
  if (result) {
    f['properties.result'] = result;
    f.Result = result;
    const o = outcomeOf(result);
    if (o) f.Status = o === 'success' ? 'Success' : 'Failure';
  }
  const reason = pickStr(a, 'resultReason');
  if (reason) { f.ResultReason = reason; if (outcomeOf(result) === 'failure') f.failure_status_reason = reason; }

  const initiatedBy = pickObj(a, 'initiatedBy');
  const iuser = pickObj(initiatedBy, 'user');
  const iapp = pickObj(initiatedBy, 'app');
  const actor = pickStr(iuser, 'userPrincipalName') ?? pickStr(iapp, 'servicePrincipalName', 'displayName') ?? pickStr(rec, 'InitiatingUserOrApp', 'InitiatingUser', 'identity');
  if (actor) f.Initiatedby = actor;
  const ip = pickStr(iuser, 'ipAddress') ?? pickStr(iapp, 'ipAddress') ?? pickStr(rec, 'callerIpAddress');

  const targets = pickArr(a, 'targetResources');
  if (targets) {
    if (!Object.hasOwn(f, 'TargetResources')) {
      f.TargetResources = JSON.stringify(targets);
      flattenInto(f, 'TargetResources', targets, 1);
    }
    for (const t of targets) {
      const mods = pickArr(t, 'modifiedProperties');
      if (!mods) continue;
      for (const m of mods) {
        const name = pickStr(m, 'displayName');
        if (!name || Object.hasOwn(f, name)) continue;
        const nv = unquote(pick(m, 'newValue'));
        f[name] = nv ?? null;
      }
    }
    const names = targets.map((t) => pickStr(t, 'userPrincipalName') ?? pickStr(t, 'displayName')).filter((x): x is string => !!x);
    if (names.length) f.Target = names.length === 1 ? names[0] : names;
  }
  const additional = pickArr(a, 'additionalDetails');
  if (additional) {
    for (const d of additional) {
      const k = pickStr(d, 'key');
      const v = pick(d, 'value');
      if (k && v !== undefined && (v === null || typeof v !== 'object') && !Object.hasOwn(f, `additionalDetails.${k}`)) f[`additionalDetails.${k}`] = v;
    }
  }
  setCanon(f, actor, ip, outcomeOf(result));
  const time = parseIsoTime(pick(a, 'activityDateTime')) ?? parseIsoTime(pick(rec, 'time', 'TimeGenerated', 'ActivityDateTime'));
  return { time, logsource: { product: 'azure', service: 'auditlogs' }, fields: f };
}

function buildRisk(rec: Obj): Built {
  const props = pickObj(rec, 'properties');
  const r: Obj = props && pick(rec, 'category') !== undefined ? props : rec;
  const f = flattenRecord(rec);
  const t = pickStr(r, 'riskEventType');
  if (t) f.riskEventType = t;
  const upn = pickStr(r, 'userPrincipalName');
  const ip = pickStr(r, 'ipAddress');
  const loc = pickObj(r, 'location');
  const country = pickStr(loc, 'countryOrRegion');
  setCanon(f, upn, ip, undefined);
  if (country) f.src_country = country.toUpperCase();
  const time = parseIsoTime(pick(r, 'activityDateTime', 'detectedDateTime')) ?? parseIsoTime(pick(rec, 'time', 'TimeGenerated'));
  return { time, logsource: { product: 'azure', service: 'riskdetection' }, fields: f };
}

function buildActivity(rec: Obj): Built {
  const f = flattenRecord(rec);
  const opName = pickStr(rec, 'OperationNameValue') ?? pickStr(rec, 'operationName');
  if (opName) { f.operationName = opName; f.OperationNameValue = opName; }
  const cat = pickStr(rec, 'CategoryValue') ?? pickStr(rec, 'category');
  if (cat) f.CategoryValue = cat;
  const rp = pickStr(rec, 'ResourceProviderValue') ?? (opName?.includes('/') ? opName.split('/')[0] : undefined);
  if (rp) f.ResourceProviderValue = rp;
  const claims = pickObj(pickObj(rec, 'identity'), 'claims');
  const caller = pickStr(rec, 'Caller', 'caller') ?? pickStr(claims, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', 'name');
  const ip = pickStr(rec, 'CallerIpAddress', 'callerIpAddress');
  const result = pickStr(rec, 'ActivityStatusValue', 'resultType');
  setCanon(f, caller, ip, outcomeOf(result));
  const time = parseIsoTime(pick(rec, 'time', 'TimeGenerated', 'EventSubmissionTimestamp'));
  return { time, logsource: { product: 'azure', service: 'activitylogs' }, fields: f };
}

function buildDefender(rec: Obj): Built {
  const f = flattenRecord(rec);
  // Advanced-hunting exports fill absent columns with "" or null; drop them so `exists` means something.
  for (const [k, v] of Object.entries(f)) if (v === '' || v === null) delete f[k];
  const user = pickStr(rec, 'AccountUpn', 'UserId', 'InitiatingProcessAccountUpn') ?? pickStr(rec, 'AccountName');
  const ip = pickStr(rec, 'IPAddress', 'RemoteIP');
  setCanon(f, user, ip, undefined);
  const host = pickStr(rec, 'DeviceName');
  if (host) f.host = host.toLowerCase();
  const country = pickStr(rec, 'CountryCode');
  if (country) f.src_country = country.toUpperCase();
  const time = parseIsoTime(pick(rec, 'Timestamp', 'TimeGenerated'));
  return { time, logsource: { product: 'm365', service: 'defender' }, fields: f };
}

const BUILDERS: Record<M365Kind, (r: Obj, o: NormaliseOptions) => Built> = {
  ual: buildUal, signin: buildSignin, audit: buildAudit, risk: buildRisk, activity: buildActivity, defender: buildDefender,
};

/** Normalises one record already parsed from JSON. `text` is the record's source, kept when asked. */
export function normaliseRecord(value: unknown, loc: Location, opts: NormaliseOptions = {}, text?: string): ParseResult {
  if (!isPlainObject(value)) {
    return { ok: false, error: new ClaimGuardError('M365_BAD_RECORD', `record is a JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object`, loc) };
  }
  const kind = classify(value);
  if (!kind) {
    const keys = Object.keys(value).slice(0, 8).join(', ');
    return { ok: false, error: new ClaimGuardError('M365_BAD_RECORD', `record is not a Microsoft 365, Entra ID or Azure audit record (keys: ${keys}${Object.keys(value).length > 8 ? ', …' : ''})`, loc) };
  }
  let built: Built;
  try {
    built = BUILDERS[kind](value, opts);
  } catch (e) {
    return { ok: false, error: new ClaimGuardError('M365_BAD_RECORD', `record could not be normalised: ${(e as Error).message}`, loc, { cause: e }) };
  }
  if (built.time === undefined) {
    return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `${kind} record has no valid timestamp`, { ...loc, path: timePath(kind) }) };
  }
  const event: ParsedEvent = { time: built.time, logsource: built.logsource, fields: built.fields };
  if (opts.keepRaw && text !== undefined) event.raw = text;
  return { ok: true, event };
}

function timePath(kind: M365Kind): string {
  switch (kind) {
    case 'ual': return 'CreationTime';
    case 'signin': return 'createdDateTime';
    case 'audit': return 'activityDateTime';
    case 'risk': return 'activityDateTime';
    case 'activity': return 'time';
    case 'defender': return 'Timestamp';
  }
}

/** JSON.parse that drops prototype-polluting keys. */
export function parseRecordText(text: string): unknown {
  // JSON.parse makes "__proto__" an ordinary own property; the reviver (slow) only runs when one is present.
  if (!text.includes('__proto__')) return JSON.parse(text);
  return JSON.parse(text, (k, v) => (k === '__proto__' ? undefined : v));
}
