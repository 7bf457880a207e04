// Syslog listeners: UDP (RFC 5426, one message per datagram), TCP (RFC 6587) and TLS (RFC 5425).
// Messages are parsed with the injected RecordParser and handed to the sink; syslog has no
// acknowledgements, so durability is the pipeline's flush interval (docs/durability.md).
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { ParsedEvent } from '../../core/index.ts';
import { ClaimGuardError } from '../../core/index.ts';
import { SyslogFramer, type FrameItem } from './framing.ts';
import type { ErrorReporter, EventSink, Listener, RecordParser } from './types.ts';

/** Default bind address: loopback only, unless the operator names another. */
export const DEFAULT_HOST = '127.0.0.1';
/** Default message size limit (64 KiB). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

export interface SyslogListenerOptions {
  host?: string;
  /** 0 picks a free port (see Listener.port). */
  port: number;
  /** Source name stamped on events. */
  source: string;
  parse: RecordParser;
  sink: EventSink;
  onError?: ErrorReporter;
  maxMessageBytes?: number;
}

export interface TlsListenerOptions extends SyslogListenerOptions {
  /** PEM certificate chain and key (contents, not paths). */
  cert: string | Buffer;
  key: string | Buffer;
  /** When given, clients must present a certificate signed by this CA (mutual TLS). */
  ca?: string | Buffer;
}

function bindError(kind: string, host: string, port: number, e: Error): ClaimGuardError {
  return new ClaimGuardError('LISTEN_FAILED', `cannot listen for syslog/${kind} on ${host}:${port}: ${e.message}`, undefined, { cause: e });
}

function hostPort(a: AddressInfo): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

export async function startSyslogUdp(opts: SyslogListenerOptions): Promise<Listener> {
  const host = opts.host ?? DEFAULT_HOST;
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const sock = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  let received = 0;
  sock.on('message', (msg, rinfo) => {
    received++;
    const file = `udp://${rinfo.address}:${rinfo.port}`;
    if (msg.length > max) {
      opts.onError?.(new ClaimGuardError('INGEST_LINE_TOO_LONG', `syslog datagram of ${msg.length} bytes exceeds the limit of ${max} bytes`, { file, record: received }), opts.source);
      return;
    }
    let end = msg.length;
    while (end > 0 && (msg[end - 1] === 0x0a || msg[end - 1] === 0x0d || msg[end - 1] === 0)) end--;
    if (end === 0) return;
    const r = opts.parse(msg.toString('utf8', 0, end), { source: opts.source, file, record: received });
    if (r.ok) void opts.sink([r.event], opts.source);
    else opts.onError?.(r.error, opts.source);
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', (e) => reject(bindError('udp', host, opts.port, e)));
    sock.bind(opts.port, host, () => resolve());
  });
  sock.on('error', (e) => opts.onError?.(new ClaimGuardError('LISTEN_FAILED', `syslog/udp socket error: ${e.message}`), opts.source));
  const addr = sock.address();
  return {
    kind: 'udp',
    address: hostPort(addr),
    port: addr.port,
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}

/** Reads one stream connection: frames, parses, sinks; pauses the socket while the sink is busy. */
function handleStream(sock: net.Socket, file: string, opts: SyslogListenerOptions, max: number): void {
  const framer = new SyslogFramer({ maxBytes: max, file });
  const deliver = (items: FrameItem[]): void => {
    if (items.length === 0) return;
    const events: ParsedEvent[] = [];
    for (const it of items) {
      if (!it.ok) { opts.onError?.(it.error, opts.source); continue; }
      const r = opts.parse(it.frame.text, { source: opts.source, file, offset: it.frame.offset, record: it.frame.record });
      if (r.ok) events.push(r.event);
      else opts.onError?.(r.error, opts.source);
    }
    if (events.length === 0) return;
    const p = opts.sink(events, opts.source);
    if (p && typeof (p as Promise<void>).then === 'function') {
      sock.pause();
      (p as Promise<void>).then(() => sock.resume(), () => sock.destroy());
    }
  };
  sock.on('data', (chunk: Buffer) => deliver(framer.push(chunk)));
  sock.on('end', () => deliver(framer.end()));
  sock.on('error', () => { /* a reset by the peer ends the connection; nothing to report */ });
  sock.setKeepAlive(true, 60_000);
}

/** How long a graceful close keeps reading open connections before cutting them, ms. */
export const CLOSE_GRACE_MS = 500;

function trackConnections(server: net.Server): { close(): Promise<void> } {
  const open = new Set<net.Socket>();
  const track = (s: net.Socket): void => { open.add(s); s.on('close', () => open.delete(s)); };
  server.on('connection', track);
  server.on('secureConnection', track);
  return {
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Stop accepting, send FIN so well-behaved senders finish, keep reading what is already in
      // flight for a short grace period, then cut what is left. Everything read goes to the sink.
      for (const s of open) s.end();
      const timer = setTimeout(() => { for (const s of open) s.destroy(); }, CLOSE_GRACE_MS);
      server.once('close', () => clearTimeout(timer));
    }),
  };
}

async function listen(server: net.Server, kind: string, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(bindError(kind, host, port, e)));
    server.listen(port, host, () => resolve());
  });
  return server.address() as AddressInfo;
}

export async function startSyslogTcp(opts: SyslogListenerOptions): Promise<Listener> {
  const host = opts.host ?? DEFAULT_HOST;
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const server = net.createServer((sock) => handleStream(sock, `tcp://${sock.remoteAddress}:${sock.remotePort}`, opts, max));
  const conns = trackConnections(server);
  const addr = await listen(server, 'tcp', host, opts.port);
  return { kind: 'tcp', address: hostPort(addr), port: addr.port, close: conns.close };
}

export async function startSyslogTls(opts: TlsListenerOptions): Promise<Listener> {
  const host = opts.host ?? DEFAULT_HOST;
  const max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  let server: tls.Server;
  try {
    server = tls.createServer({
      cert: opts.cert, key: opts.key, minVersion: 'TLSv1.2',
      ...(opts.ca ? { ca: opts.ca, requestCert: true, rejectUnauthorized: true } : {}),
    }, (sock) => handleStream(sock, `tls://${sock.remoteAddress}:${sock.remotePort}`, opts, max));
  } catch (e) {
    throw new ClaimGuardError('LISTEN_FAILED', `syslog/tls: bad certificate or key: ${(e as Error).message}`, undefined, { cause: e });
  }
  // Failed handshakes (scanners, wrong CA) are normal on a network: count them, do not crash.
  server.on('tlsClientError', (e) => opts.onError?.(new ClaimGuardError('HTTP_UNAUTHORIZED', `syslog/tls handshake failed: ${e.message}`), opts.source));
  const conns = trackConnections(server);
  const addr = await listen(server, 'tls', host, opts.port);
  return { kind: 'tls', address: hostPort(addr), port: addr.port, close: conns.close };
}
