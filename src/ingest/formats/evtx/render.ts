// Record renderings: the evtx_dump JSON shape ({"Event":{"#attributes":…,"System":…,"EventData":…}})
// and XML. The JSON rules match the reference files shipped with the shared samples:
//  - an element with neither attributes nor child elements becomes its text, or null when empty;
//  - otherwise an object: "#attributes" (empty attribute values dropped), one key per child element,
//    "#text" when there is text; a repeated child name gets "_1", "_2" … suffixes;
//  - <Data Name="X">v</Data> becomes "X": "v" ("" when empty); unnamed <Data> elements come last as
//    "Data": "v" (one) or "Data": {"#text": ["v1", "v2", …]} (several);
//  - System numbers (EventID, Version, Level, Task, Opcode, EventRecordID, Execution ProcessID and
//    ThreadID) are integers; TimeCreated SystemTime is ISO-8601 with microseconds and "Z"; System GUID
//    attributes (Provider Guid, Correlation ActivityID) are upper-case without braces.
import type { FieldValue } from '../../../core/index.ts';
import type { XChild, XElement } from './binxml.ts';

type JsonObj = { [key: string]: FieldValue };

const SYSTEM_NUMBERS = new Set(['EventID', 'Version', 'Level', 'Task', 'Opcode', 'EventRecordID']);
const EXEC_NUMBERS = new Set(['ProcessID', 'ThreadID']);

function isElement(c: XChild): c is XElement {
  return typeof c === 'object' && 'children' in c;
}

function textOf(el: XElement): string {
  let s = '';
  for (const c of el.children) {
    if (typeof c === 'string') s += c;
    else if ('cdata' in c) s += c.cdata;
  }
  return s;
}

function hasChildElements(el: XElement): boolean {
  for (const c of el.children) if (isElement(c)) return true;
  return false;
}

function toInt(s: FieldValue): FieldValue {
  if (typeof s === 'string' && /^-?\d{1,15}$/.test(s)) return Number(s);
  return s;
}

/**
 * Text of a value as the reference prints it: hex numbers ("0x00590000", "0x76FAEC4B") as lower-case
 * `0x%x`; a whole-value GUID in python-evtx's "{lower-case}" form as upper-case without braces (the
 * evtx_dump GUID form); characters XML 1.0 cannot carry (C0 controls other than tab, CR, LF) removed.
 */
export function shortHex(s: string): string {
  if (s.length > 2 && s.charCodeAt(0) === 0x30 && s[1] === 'x' && /^0x[0-9a-fA-F]{1,16}$/.test(s)) {
    return '0x' + BigInt(s).toString(16);
  }
  if (s.length === 38 && s[0] === '{' && GUID_LOWER.test(s)) return s.slice(1, 37).toUpperCase();
  return CONTROL.test(s) ? s.replace(CONTROL_G, '') : s;
}
const GUID_LOWER = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/;
const GUID_ANY = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;
const CONTROL_G = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;

/** "YYYY-MM-DD HH:MM:SS[.ffffff]" → "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
export function isoSystemTime(s: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) return s;
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0')}Z`;
}

function putUnique(obj: JsonObj, key: string, value: FieldValue): void {
  if (!(key in obj)) { obj[key] = value; return; }
  for (let i = 1; i < 100000; i++) {
    const k = `${key}_${i}`;
    if (!(k in obj)) { obj[k] = value; return; }
  }
}

function elementJson(el: XElement, parent: string): FieldValue {
  let attrs: JsonObj | null = null;
  for (const [k, v] of el.attrs) {
    if (v === '') continue;
    // Namespace declarations are kept on <Event> only (the reference drops them inside UserData).
    if (parent !== '' && (k === 'xmlns' || k.startsWith('xmlns:'))) continue;
    if (!attrs) attrs = {};
    let val: FieldValue = shortHex(v);
    if (parent === 'System') {
      if (v.length === 38 && v[0] === '{' && GUID_ANY.test(v)) val = v.slice(1, 37).toUpperCase();
      else if (el.name === 'Execution' && EXEC_NUMBERS.has(k)) val = toInt(v);
      else if (el.name === 'TimeCreated' && k === 'SystemTime') val = isoSystemTime(v);
    }
    attrs[k] = val;
  }
  const text = textOf(el);
  if (!attrs && !hasChildElements(el)) {
    if (text === '') return null;
    return parent === 'System' && SYSTEM_NUMBERS.has(el.name) ? toInt(text) : shortHex(text);
  }
  const obj: JsonObj = {};
  if (attrs) obj['#attributes'] = attrs;
  let unnamed: string[] | null = null;
  for (const c of el.children) {
    if (!isElement(c)) continue;
    if (c.name === 'Data') {
      let name: string | undefined;
      for (const [k, v] of c.attrs) if (k === 'Name') { name = v; break; }
      if (name !== undefined && name !== '') {
        putUnique(obj, name, hasChildElements(c) ? elementJson({ ...c, attrs: c.attrs.filter(([k]) => k !== 'Name') }, el.name) : shortHex(textOf(c)));
        continue;
      }
      if (!hasChildElements(c)) {
        (unnamed ??= []).push(shortHex(textOf(c)));
        continue;
      }
    }
    putUnique(obj, c.name, elementJson(c, el.name));
  }
  if (unnamed) putUnique(obj, 'Data', unnamed.length === 1 ? unnamed[0] : { '#text': unnamed });
  if (text.trim() !== '') {
    obj['#text'] = parent === 'System' && SYSTEM_NUMBERS.has(el.name) ? toInt(text) : text;
  }
  return obj;
}

/** The evtx_dump JSON object of a record's XML tree. */
export function recordJson(nodes: XChild[]): JsonObj {
  const out: JsonObj = {};
  for (const n of nodes) if (isElement(n)) putUnique(out, n.name, elementJson(n, ''));
  return out;
}

const escText = (s: string): string => s.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
const escAttr = (s: string): string => escText(s).replace(/"/g, '&quot;');

/** Indented XML of a record's tree (the form `wevtutil qe /f:xml` and evtx_dump print). */
export function recordXml(nodes: XChild[]): string {
  const out: string[] = [];
  const walk = (c: XChild, ind: string): void => {
    if (typeof c === 'string') { out.push(ind + escText(c)); return; }
    if ('cdata' in c) { out.push(`${ind}<![CDATA[${c.cdata}]]>`); return; }
    if ('pi' in c) { out.push(`${ind}<?${c.pi}${c.data ? ' ' + c.data : ''}?>`); return; }
    let open = `<${c.name}`;
    for (const [k, v] of c.attrs) if (v !== '') open += ` ${k}="${escAttr(v)}"`;
    if (c.children.length === 0) { out.push(`${ind}${open}></${c.name}>`); return; }
    if (!hasChildElements(c)) { out.push(`${ind}${open}>${escText(textOf(c))}</${c.name}>`); return; }
    out.push(`${ind}${open}>`);
    for (const ch of c.children) walk(ch, ind + '  ');
    out.push(`${ind}</${c.name}>`);
  };
  for (const n of nodes) walk(n, '');
  return out.join('\n');
}
