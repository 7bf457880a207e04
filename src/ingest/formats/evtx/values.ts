// BinXML substitution value types and their text renderings.
//
// The renderings follow the reference JSON shipped beside the shared samples (python-evtx 0.6.1 values,
// re-shaped to the evtx_dump layout): integers in decimal, hex integers as `0x%x`, GUIDs upper-case
// without braces, binary in base64, booleans `True`/`False`, FILETIME/SYSTEMTIME as Python's
// `str(datetime)` ("YYYY-MM-DD HH:MM:SS[.ffffff]"), string arrays as `<string>…</string>\n` runs.
// docs/windows.md lists every rule.

export const VT = {
  NULL: 0x00, WSTRING: 0x01, ASTRING: 0x02, INT8: 0x03, UINT8: 0x04, INT16: 0x05, UINT16: 0x06,
  INT32: 0x07, UINT32: 0x08, INT64: 0x09, UINT64: 0x0a, REAL32: 0x0b, REAL64: 0x0c, BOOL: 0x0d,
  BINARY: 0x0e, GUID: 0x0f, SIZET: 0x10, FILETIME: 0x11, SYSTEMTIME: 0x12, SID: 0x13, HEX32: 0x14,
  HEX64: 0x15, EVTHANDLE: 0x20, BINXML: 0x21, EVTXML: 0x23, ARRAY: 0x80,
} as const;

const utf16 = new TextDecoder('utf-16le');
const latin1 = new TextDecoder('latin1');
const HEX = '0123456789ABCDEF';

/** UTF-16LE text of bytes[start, end) (odd trailing byte ignored). Short strings decode by hand. */
export function utf16At(b: Uint8Array, start: number, end: number): string {
  const n = (end - start) >> 1;
  if (n <= 0) return '';
  if (n <= 24) {
    let s = '';
    for (let i = start, e = start + n * 2; i < e; i += 2) s += String.fromCharCode(b[i] | (b[i + 1] << 8));
    return s;
  }
  return utf16.decode(b.subarray(start, start + n * 2));
}

/** Strip trailing NUL characters (python's rstrip("\x00")). */
export function stripNul(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0) e--;
  return e === s.length ? s : s.slice(0, e);
}

export function guidAt(b: Uint8Array, p: number): string {
  const order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15];
  let s = '';
  for (const i of order) {
    if (i < 0) { s += '-'; continue; }
    const v = b[p + i];
    s += HEX[v >> 4] + HEX[v & 15];
  }
  return s;
}

export function sidAt(dv: DataView, p: number, size: number): string {
  const rev = dv.getUint8(p);
  const n = dv.getUint8(p + 1);
  if (size < 8 + 4 * n) throw new RangeError('SID shorter than its sub-authority count');
  const auth = dv.getUint32(p + 2, false) * 65536 + dv.getUint16(p + 6, false);
  let s = `S-${rev}-${auth}`;
  for (let i = 0; i < n; i++) s += '-' + dv.getUint32(p + 8 + 4 * i, true);
  return s;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export function base64At(b: Uint8Array, start: number, end: number): string {
  let s = '';
  let i = start;
  for (; i + 2 < end; i += 3) {
    const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
  }
  if (end - i === 1) { const v = b[i] << 16; s += B64[v >> 18] + B64[(v >> 12) & 63] + '=='; }
  else if (end - i === 2) { const v = (b[i] << 16) | (b[i + 1] << 8); s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + '='; }
  return s;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** C `round()`: half away from zero. */
function cRound(x: number): number { return x < 0 ? -Math.round(-x) : Math.round(x); }
/** CPython's _PyTime_ROUND_HALF_EVEN. */
function roundHalfEven(x: number): number {
  let r = cRound(x);
  if (Math.abs(x - r) === 0.5) r = 2 * cRound(x / 2);
  return r;
}

/** "YYYY-MM-DD HH:MM:SS[.ffffff]" from whole UTC seconds and microseconds (python str(datetime)). */
function pyDatetime(sec: number, us: number): string {
  const d = new Date(sec * 1000);
  if (Number.isNaN(d.getTime())) return '';
  const y = d.getUTCFullYear();
  const base = `${pad(y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return us ? `${base}.${pad(us, 6)}` : base;
}

/**
 * FILETIME (100 ns ticks since 1601) rendered as python-evtx does: through a double
 * (`ticks * 1e-7 - 11644473600`) and CPython's half-even microsecond rounding, so the digits match.
 */
export function filetimeText(lo: number, hi: number): string {
  const t = (hi * 4294967296 + lo) * 1e-7 - 11644473600;
  let whole = Math.trunc(t);
  let us = roundHalfEven((t - whole) * 1e6);
  if (us >= 1e6) { us -= 1e6; whole += 1; } else if (us < 0) { us += 1e6; whole -= 1; }
  return pyDatetime(whole, us);
}

/** Exact FILETIME → epoch milliseconds (for Event.time). */
export function filetimeMs(lo: number, hi: number): number {
  return Math.floor((hi * 4294967296 + lo) / 10000) - 11644473600000;
}

/** SYSTEMTIME (8 × u16) rendered like python-evtx (milliseconds land in the microsecond slot). */
export function systemtimeText(dv: DataView, p: number): string {
  const y = dv.getUint16(p, true), mo = dv.getUint16(p + 2, true), d = dv.getUint16(p + 6, true);
  const h = dv.getUint16(p + 8, true), mi = dv.getUint16(p + 10, true), s = dv.getUint16(p + 12, true), ms = dv.getUint16(p + 14, true);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || ms > 999) throw new RangeError('SYSTEMTIME out of range');
  const base = `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
  return ms ? `${base}.${pad(ms, 6)}` : base;
}

/** Python `repr(float)`: shortest round-trip digits, exponent below 1e-4 or from 1e16, ".0" on integers. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expS] = x.toExponential().split('e');
  const exp = Number(expS);
  if (exp < -4 || exp >= 16) {
    const m = mant.includes('.') ? mant : mant;
    return `${m}e${exp < 0 ? '-' : '+'}${pad(Math.abs(exp), 2)}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : s + '.0';
}

export function hex64(dv: DataView, p: number): string {
  return '0x' + dv.getBigUint64(p, true).toString(16);
}

/** Size in bytes of one element of a fixed-size value type, or 0 for variable-size types. */
export function fixedSize(type: number): number {
  switch (type) {
    case VT.INT8: case VT.UINT8: return 1;
    case VT.INT16: case VT.UINT16: return 2;
    case VT.INT32: case VT.UINT32: case VT.REAL32: case VT.BOOL: case VT.HEX32: return 4;
    case VT.INT64: case VT.UINT64: case VT.REAL64: case VT.FILETIME: case VT.HEX64: return 8;
    case VT.GUID: case VT.SYSTEMTIME: return 16;
    default: return 0;
  }
}

/** Text of one scalar value of a fixed-size or string type at bytes[p, p+size). Throws RangeError on bad sizes. */
export function scalarText(b: Uint8Array, dv: DataView, type: number, p: number, size: number): string {
  const need = fixedSize(type);
  if (need && size < need) throw new RangeError(`value of type 0x${type.toString(16)} needs ${need} bytes, has ${size}`);
  switch (type) {
    case VT.WSTRING: return stripNul(utf16At(b, p, p + size));
    case VT.ASTRING: return stripNul(latin1.decode(b.subarray(p, p + size)));
    case VT.INT8: return String(dv.getInt8(p));
    case VT.UINT8: return String(b[p]);
    case VT.INT16: return String(dv.getInt16(p, true));
    case VT.UINT16: return String(dv.getUint16(p, true));
    case VT.INT32: return String(dv.getInt32(p, true));
    case VT.UINT32: return String(dv.getUint32(p, true));
    case VT.INT64: return dv.getBigInt64(p, true).toString();
    case VT.UINT64: return dv.getBigUint64(p, true).toString();
    case VT.REAL32: return pyFloat(dv.getFloat32(p, true));
    case VT.REAL64: return pyFloat(dv.getFloat64(p, true));
    case VT.BOOL: return dv.getInt32(p, true) > 0 ? 'True' : 'False';
    case VT.BINARY: return base64At(b, p, p + size);
    case VT.GUID: return guidAt(b, p);
    case VT.SIZET:
      if (size === 4) return String(dv.getUint32(p, true));
      if (size === 8) return dv.getBigUint64(p, true).toString();
      throw new RangeError(`size_t value of ${size} bytes`);
    case VT.FILETIME: return filetimeText(dv.getUint32(p, true), dv.getUint32(p + 4, true));
    case VT.SYSTEMTIME: return systemtimeText(dv, p);
    case VT.SID: return sidAt(dv, p, size);
    case VT.HEX32: return '0x' + dv.getUint32(p, true).toString(16);
    case VT.HEX64: return hex64(dv, p);
    case VT.EVTHANDLE: return String(dv.getUint32(p, true));
    case VT.EVTXML: return stripNul(utf16At(b, p, p + size));
    default: throw new RangeError(`unknown value type 0x${type.toString(16)}`);
  }
}

/** An array value (type | 0x80) as the `<string>…</string>\n` runs python-evtx prints for string arrays. */
export function arrayText(b: Uint8Array, dv: DataView, type: number, p: number, size: number): string {
  const base = type & 0x7f;
  const items: string[] = [];
  if (base === VT.WSTRING || base === VT.ASTRING) {
    const text = base === VT.WSTRING ? utf16At(b, p, p + size) : latin1.decode(b.subarray(p, p + size));
    const parts = text.split('\0');
    if (parts.length && parts[parts.length - 1] === '') parts.pop();
    items.push(...parts);
  } else if (base === VT.SID) {
    let q = p;
    const end = p + size;
    while (q + 8 <= end && items.length < 65536) {
      const n = b[q + 1];
      items.push(sidAt(dv, q, end - q));
      q += 8 + 4 * n;
    }
  } else {
    const w = fixedSize(base) || (base === VT.SIZET ? 8 : 0);
    if (!w) throw new RangeError(`array of unsupported type 0x${base.toString(16)}`);
    for (let q = p; q + w <= p + size; q += w) items.push(scalarText(b, dv, base, q, w));
  }
  let s = '';
  for (const it of items) s += `<string>${it}</string>\n`;
  return s;
}
