// HTTP ingest: `POST /ingest` with an NDJSON body and `Authorization: Bearer <token>`.
// - The token identifies the source; the server keeps only SHA-256 digests and compares digests in
//   constant time against every configured source.
// - The body is limited (413 beyond `maxBodyBytes`, checked on Content-Length and while reading).
// - A batch is committed whole or rejected whole: the first line that does not parse answers 400 with
//   its line number, and nothing of the batch is stored.
// - 200 is sent only after the batch's transaction has committed. With `Idempotency-Key`, a retried
//   batch is acknowledged again without being stored twice.
import http from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ParsedEvent } from '../../core/index.ts';
import { ClaimGuardError, ERROR_CODES, type ErrorCode } from '../../core/index.ts';
import { DEFAULT_HOST } from './syslog.ts';
import type { BatchCommitter, ErrorReporter, Listener, RecordParser } from './types.ts';

/** Default request body limit: 10 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Idempotency keys: 1–200 visible ASCII characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export interface HttpSource {
  name: string;
  /** Hex SHA-256 of the bearer token. */
  tokenSha256: string;
}

export interface HttpIngestOptions {
  host?: string;
  port: number;
  maxBodyBytes?: number;
  sources: HttpSource[];
  parse: RecordParser;
  commit: BatchCommitter;
  /** Reports commit failures (parse failures go back to the client, not to the log). */
  onError?: ErrorReporter;
}

interface ErrorBody {
  error: { code: ErrorCode; message: string; line?: number };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sendError(res: http.ServerResponse, code: ErrorCode, message: string, extra: { line?: number; status?: number; headers?: Record<string, string> } = {}): void {
  const body: ErrorBody = { error: { code, message } };
  if (extra.line !== undefined) body.error.line = extra.line;
  send(res, extra.status ?? ERROR_CODES[code].http, body, extra.headers);
}

/** Matches a bearer token against the sources' digests, touching every source so timing reveals nothing. */
export function authenticate(header: string | undefined, sources: HttpSource[]): HttpSource | undefined {
  const m = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  const digest = createHash('sha256').update(m ? m[1] : '').digest();
  let found: HttpSource | undefined;
  for (const s of sources) {
    const want = Buffer.from(s.tokenSha256, 'hex');
    if (want.length === digest.length && timingSafeEqual(want, digest) && m) found ??= s;
  }
  return found;
}

/** Splits an NDJSON body into parsed events, or the first bad line as a located error. */
export function parseBody(body: Buffer, source: string, parse: RecordParser): { ok: true; events: ParsedEvent[] } | { ok: false; error: ClaimGuardError; line: number } {
  const events: ParsedEvent[] = [];
  let pos = 0;
  let line = 0;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) pos = 3; // BOM
  while (pos < body.length) {
    line++;
    let nl = body.indexOf(10, pos);
    if (nl === -1) nl = body.length;
    let end = nl;
    if (end > pos && body[end - 1] === 13) end--;
    if (end > pos) {
      const text = body.toString('utf8', pos, end);
      if (text.trim() !== '') {
        const r = parse(text, { source, file: 'POST /ingest', line, offset: pos, record: events.length + 1 });
        if (!r.ok) return { ok: false, error: r.error, line };
        events.push(r.event);
      }
    }
    pos = nl + 1;
  }
  return { ok: true, events };
}

export async function startHttpIngest(opts: HttpIngestOptions): Promise<Listener> {
  const host = opts.host ?? DEFAULT_HOST;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      send(res, 200, { ok: true });
      return;
    }
    if (path !== '/ingest') {
      req.resume();
      sendError(res, 'HTTP_NOT_FOUND', `no route ${req.method} ${path}; use POST /ingest`);
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      sendError(res, 'HTTP_VALIDATION', 'use POST /ingest', { status: 405, headers: { allow: 'POST' } });
      return;
    }
    const source = authenticate(req.headers.authorization, opts.sources);
    if (!source) {
      req.resume();
      sendError(res, 'HTTP_UNAUTHORIZED', 'missing or invalid bearer token', { headers: { 'www-authenticate': 'Bearer realm="claimguard-ingest"' } });
      return;
    }
    const keyHeader = req.headers['idempotency-key'];
    const idempotencyKey = Array.isArray(keyHeader) ? keyHeader[0] : keyHeader;
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      req.resume();
      sendError(res, 'HTTP_VALIDATION', 'Idempotency-Key must be 1–200 visible ASCII characters');
      return;
    }
    const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
    if (declared !== undefined && declared > maxBody) {
      sendError(res, 'HTTP_BODY_TOO_LARGE', `request body of ${declared} bytes exceeds the limit of ${maxBody} bytes`, { headers: { connection: 'close' } });
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      if (tooLarge) return;
      size += c.length;
      if (size > maxBody) {
        tooLarge = true;
        chunks.length = 0;
        sendError(res, 'HTTP_BODY_TOO_LARGE', `request body exceeds the limit of ${maxBody} bytes`, { headers: { connection: 'close' } });
        res.on('finish', () => req.destroy());
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => { /* the client went away; nothing was committed */ });
    req.on('end', () => {
      if (tooLarge) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      const parsed = parseBody(body, source.name, opts.parse);
      if (!parsed.ok) {
        sendError(res, 'HTTP_VALIDATION', `line ${parsed.line}: ${parsed.error.message} [${parsed.error.code}]; nothing from this batch was stored`, { line: parsed.line });
        return;
      }
      opts.commit(parsed.events, { source: source.name, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) }).then(
        (r) => send(res, 200, { stored: r.stored, duplicate: r.duplicate }),
        (e: unknown) => {
          const err = e instanceof ClaimGuardError ? e : new ClaimGuardError('STORE_WRITE', 'the batch could not be committed', undefined, { cause: e });
          opts.onError?.(err, source.name);
          // 503: nothing was acknowledged; the client should retry (with the same Idempotency-Key).
          sendError(res, err.code, 'the batch could not be committed; retry later', { status: 503, headers: { 'retry-after': '1' } });
        },
      );
    });
  };

  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 30_000, keepAliveTimeout: 10_000 }, (req, res) => {
    try {
      handle(req, res);
    } catch (e) {
      opts.onError?.(new ClaimGuardError('INTERNAL', `http ingest: ${(e as Error).message}`), 'http');
      if (!res.headersSent) sendError(res, 'INTERNAL', 'internal error');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new ClaimGuardError('LISTEN_FAILED', `cannot listen for HTTP ingest on ${host}:${opts.port}: ${e.message}`, undefined, { cause: e })));
    server.listen(opts.port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    kind: 'http',
    address: addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`,
    port: addr.port,
    // Stops accepting; requests in flight finish (their commits resolve) before close resolves.
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
}
