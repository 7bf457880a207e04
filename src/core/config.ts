// Configuration: `claimguard.yaml` plus `CLAIMGUARD_*` environment overrides, validated once at
// start-up with a zod schema. Every error names the YAML line and column of the offending value (or
// the environment variable), so an operator can fix it without guessing. See docs/config.md.
//
// Contract for the rest of the code base: `loadConfig({cwd, env, file?})` → `Config` (synchronous;
// call it once at start-up) and `parseConfig(text, {...})` for text already in hand. `Config` is
// fully resolved: defaults applied, paths absolute, listener hosts filled in, HTTP source tokens
// reduced to SHA-256 hex digests.
import { readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { LineCounter, Node as YamlNode, Document } from 'yaml';
import type * as YamlLib from 'yaml';
import type { z as Zod } from 'zod';
import { ClaimGuardError, type Location } from './errors.ts';
import { isValidTimeZone } from './time.ts';

export const CONFIG_FILE_NAME = 'claimguard.yaml';
/** Limits with their units. */
export const DEFAULT_HTTP_MAX_BODY_BYTES = 10 * 1024 * 1024; // 10 MiB per POST /ingest request
export const DEFAULT_SYSLOG_MAX_MESSAGE_BYTES = 64 * 1024; // 64 KiB per syslog message
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

// `yaml` and `zod` load on first use, not at import: core/index.ts re-exports this file, and most
// commands never read a configuration, so they should not pay ~0.1–0.25 s of module loading per start.
const requireLib = createRequire(import.meta.url);
let yamlLib: typeof YamlLib | undefined;
const yaml = (): typeof YamlLib => (yamlLib ??= requireLib('yaml') as typeof YamlLib);
let schemas: Schemas | undefined;
const getSchemas = (): Schemas => (schemas ??= buildSchemas((requireLib('zod') as { z: typeof Zod }).z));

type Schemas = ReturnType<typeof buildSchemas>;

/** The file schema, built on first use (zod loads lazily). */
function buildSchemas(z: typeof Zod) {
  const port = z.number().int().min(0).max(65535);
  const host = z.string().min(1);
  const nonEmpty = z.string().min(1);
  const sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (a SHA-256 digest)');

  const httpSource = z.strictObject({
    name: nonEmpty,
    /** SHA-256 (hex) of the bearer token; the token itself never sits in the file. */
    tokenSha256: sha256Hex.optional(),
    /** Or: the name of an environment variable holding the token. */
    tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
  }).refine((s) => (s.tokenSha256 === undefined) !== (s.tokenEnv === undefined), { message: 'give exactly one of tokenSha256 or tokenEnv' });

  /** Column map for CSV exports: canonical field → column header (case-insensitive match). */
  const csvMap = z.strictObject({
    time: nonEmpty.optional(),
    user: nonEmpty.optional(),
    action: nonEmpty.optional(),
    patient_id: nonEmpty.optional(),
    claim_id: nonEmpty.optional(),
    account_id: nonEmpty.optional(),
    host: nonEmpty.optional(),
    src_ip: nonEmpty.optional(),
    outcome: nonEmpty.optional(),
    /** Sigma logsource for rows read with this map; default {product: billing, service: audit}. */
    logsource: z.strictObject({ product: nonEmpty.optional(), category: nonEmpty.optional(), service: nonEmpty.optional() }).optional(),
  });

  const fileSchema = z.strictObject({
    dataDir: nonEmpty.optional(),
    tenant: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1–64 letters, digits, "_", "." or "-"').optional(),
    retentionDays: z.number().int().min(1).max(36500).optional(),
    timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as America/Chicago or UTC').optional(),
    listeners: z.strictObject({
      syslog: z.strictObject({
        host: host.optional(),
        maxMessageBytes: z.number().int().min(480).max(16 * 1024 * 1024).optional(),
        udp: z.strictObject({ port, host: host.optional() }).optional(),
        tcp: z.strictObject({ port, host: host.optional() }).optional(),
        tls: z.strictObject({ port, host: host.optional(), cert: nonEmpty, key: nonEmpty, ca: nonEmpty.optional() }).optional(),
      }).optional(),
      http: z.strictObject({
        host: host.optional(),
        port: port.optional(),
        maxBodyBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
        sources: z.array(httpSource).optional(),
      }).optional(),
      tail: z.array(z.strictObject({ path: nonEmpty, format: nonEmpty.optional(), source: nonEmpty.optional() })).optional(),
    }).optional(),
    formats: z.strictObject({
      csv: z.strictObject({ maps: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/, 'map names are letters, digits, "_" or "-"'), csvMap).optional() }).optional(),
      jsonl: z.strictObject({ timeField: nonEmpty.optional() }).optional(),
    }).optional(),
  });
  return { csvMap, fileSchema };
}

type FileConfig = Zod.infer<Schemas['fileSchema']>;

export type CsvColumnMap = Zod.infer<Schemas['csvMap']>;

/** The resolved configuration every component receives. */
export interface Config {
  /** Absolute path of the data directory (store, checkpoints). Default ./claimguard-data. */
  dataDir: string;
  /** Tenant stamped on every event. Default "default". */
  tenant: string;
  /** Events older than this many days are pruned; undefined keeps everything. */
  retentionDays: number | undefined;
  /** IANA zone for timestamps without an offset (RFC 3164 syslog, zone-less CSV). Default UTC. */
  timeZone: string;
  listeners: {
    syslog: {
      maxMessageBytes: number;
      udp?: { host: string; port: number };
      tcp?: { host: string; port: number };
      /** cert/key/ca are absolute paths. */
      tls?: { host: string; port: number; cert: string; key: string; ca?: string };
    };
    http?: { host: string; port: number; maxBodyBytes: number; sources: { name: string; tokenSha256: string }[] };
    /** Files to follow; `path` absolute, `format` default "auto", `source` default the file name. */
    tail: { path: string; format: string; source: string }[];
  };
  formats: {
    csv: { maps: Record<string, CsvColumnMap> };
    jsonl: { timeField?: string };
  };
  /** The file the configuration came from, absent when only defaults and environment were used. */
  file?: string;
}

export interface LoadConfigOptions {
  /** Directory relative paths resolve against and where claimguard.yaml is looked for. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** Explicit config file; missing → CONFIG_NOT_FOUND. Default: $CLAIMGUARD_CONFIG, else <cwd>/claimguard.yaml if present. */
  file?: string;
}

/** Environment overrides: variable → path in the file schema and how to read the value. */
const ENV_OVERRIDES: { name: string; path: string[]; kind: 'string' | 'int' }[] = [
  { name: 'CLAIMGUARD_DATA_DIR', path: ['dataDir'], kind: 'string' },
  { name: 'CLAIMGUARD_TENANT', path: ['tenant'], kind: 'string' },
  { name: 'CLAIMGUARD_RETENTION_DAYS', path: ['retentionDays'], kind: 'int' },
  { name: 'CLAIMGUARD_TIME_ZONE', path: ['timeZone'], kind: 'string' },
  { name: 'CLAIMGUARD_HTTP_HOST', path: ['listeners', 'http', 'host'], kind: 'string' },
  { name: 'CLAIMGUARD_HTTP_PORT', path: ['listeners', 'http', 'port'], kind: 'int' },
  { name: 'CLAIMGUARD_HTTP_MAX_BODY_BYTES', path: ['listeners', 'http', 'maxBodyBytes'], kind: 'int' },
  { name: 'CLAIMGUARD_SYSLOG_HOST', path: ['listeners', 'syslog', 'host'], kind: 'string' },
  { name: 'CLAIMGUARD_SYSLOG_UDP_PORT', path: ['listeners', 'syslog', 'udp', 'port'], kind: 'int' },
  { name: 'CLAIMGUARD_SYSLOG_TCP_PORT', path: ['listeners', 'syslog', 'tcp', 'port'], kind: 'int' },
];

/** Names of the environment variables that override the file (for docs and `--help`). */
export const CONFIG_ENV_VARS: readonly string[] = ['CLAIMGUARD_CONFIG', ...ENV_OVERRIDES.map((o) => o.name)];

function configError(message: string, loc: Location): ClaimGuardError {
  return new ClaimGuardError('CONFIG_INVALID', message, loc);
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) {
    const next = o[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]] = value;
}

/** Where in the YAML a schema path points: the deepest node that exists (or the key, for unknown keys). */
function yamlLocation(doc: Document, lc: LineCounter, path: PropertyKey[], file: string | undefined, unknownKey?: string): Location {
  const { isMap, isScalar } = yaml();
  let node: unknown = doc.contents;
  let found: YamlNode | undefined = doc.contents ?? undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      node = pair.value;
      if (node && typeof node === 'object' && 'range' in node) found = node as YamlNode;
      else { found = pair.key as YamlNode; break; }
    } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      node = (node as { items: unknown[] }).items[Number(key)];
      if (node && typeof node === 'object' && 'range' in node) found = node as YamlNode;
      else break;
    } else break;
  }
  if (unknownKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === unknownKey);
    if (pair && isScalar(pair.key)) found = pair.key;
  }
  const offset = found?.range?.[0] ?? 0;
  const pos = lc.linePos(offset);
  // The message names the setting; the location gives where it is.
  return { ...(file ? { file } : {}), line: pos.line, column: pos.col };
}

/**
 * Validate configuration text (YAML) with environment overrides applied on top. `file` is used in
 * error locations and to resolve relative paths (against its directory; else `cwd`).
 */
export function parseConfig(text: string, opts: { cwd: string; env: Record<string, string | undefined>; file?: string }): Config {
  const { LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const fileLoc = (offset: number): Location => {
    const p = lc.linePos(offset);
    return { ...(opts.file ? { file: opts.file } : {}), line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw configError(`configuration is not valid YAML: ${e.message.split('\n')[0]}`, fileLoc(e.pos[0]));
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Unresolved aliases and alias bombs surface here, not in doc.errors.
    throw configError(`configuration is not valid YAML: ${(e as Error).message.split('\n')[0]}`, fileLoc(0));
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw configError('configuration must be a mapping of settings', fileLoc(0));
  const data = raw as Record<string, unknown>;

  // Environment overrides, validated with the variable as their location.
  const envSource = new Map<string, string>();
  for (const o of ENV_OVERRIDES) {
    const v = opts.env[o.name];
    if (v === undefined || v === '') continue;
    let value: unknown = v;
    if (o.kind === 'int') {
      if (!/^\d{1,10}$/.test(v.trim())) throw configError(`${o.name} must be a whole number (got ${JSON.stringify(v)})`, { path: `env ${o.name}` });
      value = Number(v.trim());
    }
    setPath(data, o.path, value);
    envSource.set(o.path.join('.'), o.name);
  }

  const parsed = getSchemas().fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path as PropertyKey[];
    const env = envSource.get(path.map(String).join('.'));
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const loc = env ? { path: `env ${env}` } : yamlLocation(doc, lc, path, opts.file, unknownKey);
    const where = unknownKey ? `unknown setting "${[...path.map(String), unknownKey].join('.')}"` : `${path.map(String).join('.') || 'configuration'}: ${issue.message}`;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem${parsed.error.issues.length > 2 ? 's' : ''})` : '';
    throw configError(where + more, loc);
  }
  return resolveConfig(parsed.data, opts, (path) => yamlLocation(doc, lc, path, opts.file));
}

function resolveConfig(c: FileConfig, opts: { cwd: string; env: Record<string, string | undefined>; file?: string }, locate: (path: PropertyKey[]) => Location): Config {
  const base = opts.file ? dirname(resolve(opts.cwd, opts.file)) : opts.cwd;
  const abs = (p: string): string => resolve(base, p);
  const sys = c.listeners?.syslog;
  const sysHost = sys?.host ?? DEFAULT_LISTEN_HOST;
  const http = c.listeners?.http;
  const sources = (http?.sources ?? []).map((s, i) => {
    if (s.tokenSha256) return { name: s.name, tokenSha256: s.tokenSha256.toLowerCase() };
    const token = opts.env[s.tokenEnv as string];
    if (!token) throw configError(`HTTP source "${s.name}": environment variable ${s.tokenEnv} is not set`, locate(['listeners', 'http', 'sources', i, 'tokenEnv']));
    return { name: s.name, tokenSha256: createHash('sha256').update(token).digest('hex') };
  });
  const names = new Set<string>();
  sources.forEach((s, i) => {
    if (names.has(s.name)) throw configError(`HTTP source name "${s.name}" is used twice`, locate(['listeners', 'http', 'sources', i, 'name']));
    names.add(s.name);
  });
  const config: Config = {
    dataDir: abs(c.dataDir ?? './claimguard-data'),
    tenant: c.tenant ?? 'default',
    retentionDays: c.retentionDays,
    timeZone: c.timeZone ?? 'UTC',
    listeners: {
      syslog: {
        maxMessageBytes: sys?.maxMessageBytes ?? DEFAULT_SYSLOG_MAX_MESSAGE_BYTES,
        ...(sys?.udp ? { udp: { host: sys.udp.host ?? sysHost, port: sys.udp.port } } : {}),
        ...(sys?.tcp ? { tcp: { host: sys.tcp.host ?? sysHost, port: sys.tcp.port } } : {}),
        ...(sys?.tls ? { tls: { host: sys.tls.host ?? sysHost, port: sys.tls.port, cert: abs(sys.tls.cert), key: abs(sys.tls.key), ...(sys.tls.ca ? { ca: abs(sys.tls.ca) } : {}) } } : {}),
      },
      ...(http && http.port !== undefined
        ? { http: { host: http.host ?? DEFAULT_LISTEN_HOST, port: http.port, maxBodyBytes: http.maxBodyBytes ?? DEFAULT_HTTP_MAX_BODY_BYTES, sources } }
        : {}),
      tail: (c.listeners?.tail ?? []).map((t) => ({ path: abs(t.path), format: t.format ?? 'auto', source: t.source ?? t.path.split(/[\\/]/).pop() ?? t.path })),
    },
    formats: {
      csv: { maps: c.formats?.csv?.maps ?? {} },
      jsonl: { ...(c.formats?.jsonl?.timeField ? { timeField: c.formats.jsonl.timeField } : {}) },
    },
    ...(opts.file ? { file: resolve(opts.cwd, opts.file) } : {}),
  };
  if (http && http.port === undefined && (http.host !== undefined || http.sources !== undefined || http.maxBodyBytes !== undefined)) {
    throw configError('listeners.http needs a port (or set CLAIMGUARD_HTTP_PORT)', locate(['listeners', 'http']));
  }
  return config;
}

/**
 * Load the configuration: the file (explicit `file`, else $CLAIMGUARD_CONFIG, else
 * <cwd>/claimguard.yaml when it exists, else none) plus CLAIMGUARD_* environment overrides.
 * Throws ClaimGuardError CONFIG_NOT_FOUND / CONFIG_INVALID with file, line and column.
 */
export function loadConfig(opts: LoadConfigOptions): Config {
  const explicit = opts.file ?? (opts.env.CLAIMGUARD_CONFIG || undefined);
  let file: string | undefined;
  if (explicit !== undefined) {
    file = resolve(opts.cwd, explicit);
    if (!existsSync(file)) throw new ClaimGuardError('CONFIG_NOT_FOUND', `configuration file not found: ${explicit}`, { file: explicit });
  } else {
    const candidate = resolve(opts.cwd, CONFIG_FILE_NAME);
    if (existsSync(candidate)) file = candidate;
  }
  if (file === undefined) return parseConfig('', { cwd: opts.cwd, env: opts.env });
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ClaimGuardError('CONFIG_INVALID', `configuration file could not be read: ${(e as Error).message}`, { file }, { cause: e });
  }
  return parseConfig(text, { cwd: opts.cwd, env: opts.env, file });
}
