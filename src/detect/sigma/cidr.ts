// IPv4 and IPv6 addresses and networks for the `cidr` modifier. An IPv4-mapped IPv6 event address
// (::ffff:10.1.2.3, common in Windows logon events) is compared as the IPv4 address it carries.

export interface Cidr { v6: boolean; bytes: Uint8Array; prefix: number }

export function parseIPv4(s: string): Uint8Array | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const b = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = Number(m[i + 1]);
    if (n > 255 || (m[i + 1].length > 1 && m[i + 1][0] === '0')) return undefined;
    b[i] = n;
  }
  return b;
}

export function parseIPv6(input: string): Uint8Array | undefined {
  let s = input;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct); // zone id
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!/^[0-9A-Fa-f:.]+$/.test(s) || !s.includes(':')) return undefined;
  let tail4: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (!tail4) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const parseGroups = (x: string): number[] | undefined => {
    if (x === '') return [];
    const out: number[] = [];
    for (const g of x.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const g = parseGroups(s);
    if (!g || g.length !== 8) return undefined;
    groups = g;
  }
  const b = new Uint8Array(16);
  for (let i = 0; i < 8; i++) { b[2 * i] = groups[i] >> 8; b[2 * i + 1] = groups[i] & 0xff; }
  if (tail4) b.set(tail4, 12);
  return b;
}

export function parseCidr(s: string): Cidr | undefined {
  const t = s.trim();
  const slash = t.indexOf('/');
  const addr = slash >= 0 ? t.slice(0, slash) : t;
  const v4 = parseIPv4(addr);
  const bytes = v4 ?? parseIPv6(addr);
  if (!bytes) return undefined;
  const max = bytes.length * 8;
  let prefix = max;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { v6: !v4, bytes, prefix };
}

function prefixEqual(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (a[i] !== b[i]) return false;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (a[i] & mask) === (b[i] & mask);
}

/** An event address as IPv4 bytes (including IPv4-mapped IPv6) and/or IPv6 bytes. */
interface Address { v4: Uint8Array | undefined; v6: Uint8Array | undefined }

// A rule's cidr list tests the same event value against every network (SigmaHQ's private-range
// filters list eight), and the same addresses recur event after event: parsed addresses are kept by
// their text (an IPv6 parse costs ~2 µs), in a map emptied when full so hostile input cannot grow it.
const ADDRESS_CACHE_MAX = 4096;
const addresses = new Map<string, Address>();

function parseAddress(text: string): Address {
  let p = addresses.get(text);
  if (p !== undefined) return p;
  const a = text.trim();
  let v4 = parseIPv4(a);
  let v6: Uint8Array | undefined;
  if (!v4 && a.includes(':')) {
    v6 = parseIPv6(a);
    if (v6 && v6.slice(0, 10).every((x) => x === 0) && v6[10] === 0xff && v6[11] === 0xff) v4 = v6.slice(12);
  }
  p = { v4, v6 };
  if (text.length <= 64) {
    if (addresses.size >= ADDRESS_CACHE_MAX) addresses.clear();
    addresses.set(text, p);
  }
  return p;
}

/** Does the address text fall inside the network? Non-addresses never match. */
export function cidrContains(net: Cidr, address: string): boolean {
  const p = parseAddress(address);
  const b = net.v6 ? p.v6 : p.v4;
  return b !== undefined && prefixEqual(b, net.bytes, net.prefix);
}
