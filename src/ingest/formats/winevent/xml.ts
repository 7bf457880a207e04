// A small, safe XML reader for Windows Event XML (`wevtutil qe /f:xml`, Get-WinEvent `.ToXml()`,
// Event Viewer "Save as XML"). No DTDs, no external entities, no entity expansion beyond the five XML
// entities and numeric character references; nesting and record size are capped. Produces the same
// element tree the binary EVTX parser produces, so both render through one JSON/field path.
import type { XChild, XElement } from '../evtx/binxml.ts';

export const XML_LIMITS = {
  /** Element nesting inside one <Event>. */
  maxDepth: 64,
  /** Characters in one <Event> record. */
  maxRecordChars: 16 * 1024 * 1024,
};

export class XmlError extends Error {
  /** Character offset inside the record text. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'XmlError';
    this.offset = offset;
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decode the five XML entities and numeric character references; anything else is kept as written. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]{2,4});/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e] ?? m;
  });
}

const NAME_RE = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ATTR_RE = /\s*([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/y;

/** Parse one XML document fragment (e.g. one <Event> element) into nodes. Whitespace-only text between elements is dropped. */
export function parseXml(text: string): XChild[] {
  const root: XElement = { name: '#root', attrs: [], children: [] };
  const stack: XElement[] = [root];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > i) {
      const raw = text.slice(i, textEnd);
      if (raw.trim() !== '') stack[stack.length - 1].children.push(decodeEntities(raw));
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const e = text.indexOf('-->', i + 4);
      if (e < 0) throw new XmlError('unterminated comment', i);
      i = e + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const e = text.indexOf(']]>', i + 9);
      if (e < 0) throw new XmlError('unterminated CDATA section', i);
      stack[stack.length - 1].children.push({ cdata: text.slice(i + 9, e) });
      i = e + 3;
    } else if (text.startsWith('<?', i)) {
      const e = text.indexOf('?>', i + 2);
      if (e < 0) throw new XmlError('unterminated processing instruction', i);
      i = e + 2;
    } else if (text.startsWith('<!', i)) {
      // DOCTYPE (with any internal subset) and other declarations are skipped, never interpreted.
      const gt = text.indexOf('>', i + 2);
      const open = text.indexOf('[', i + 2);
      const e = open >= 0 && (gt < 0 || open < gt) ? text.indexOf(']>', open) : gt;
      if (e < 0) throw new XmlError('unterminated declaration', i);
      i = e + (text[e] === ']' ? 2 : 1);
    } else if (text[i + 1] === '/') {
      NAME_RE.lastIndex = i + 2;
      const m = NAME_RE.exec(text);
      if (!m) throw new XmlError('bad closing tag', i);
      const top = stack[stack.length - 1];
      if (stack.length === 1 || top.name !== m[0]) throw new XmlError(`closing tag </${m[0]}> does not match <${top.name}>`, i);
      const e = text.indexOf('>', NAME_RE.lastIndex);
      if (e < 0) throw new XmlError('unterminated closing tag', i);
      stack.pop();
      i = e + 1;
    } else {
      NAME_RE.lastIndex = i + 1;
      const m = NAME_RE.exec(text);
      if (!m) throw new XmlError('bad tag', i);
      const el: XElement = { name: m[0], attrs: [], children: [] };
      let p = NAME_RE.lastIndex;
      for (;;) {
        ATTR_RE.lastIndex = p;
        const a = ATTR_RE.exec(text);
        if (!a) break;
        el.attrs.push([a[1], decodeEntities(a[3] ?? a[4] ?? '')]);
        p = ATTR_RE.lastIndex;
      }
      while (p < n && (text[p] === ' ' || text[p] === '\t' || text[p] === '\n' || text[p] === '\r')) p++;
      stack[stack.length - 1].children.push(el);
      if (text.startsWith('/>', p)) {
        i = p + 2;
      } else if (text[p] === '>') {
        if (stack.length > XML_LIMITS.maxDepth) throw new XmlError('elements nested too deeply', i);
        stack.push(el);
        i = p + 1;
      } else {
        throw new XmlError(`malformed start tag <${el.name}>`, p);
      }
    }
  }
  if (stack.length > 1) throw new XmlError(`element <${stack[stack.length - 1].name}> is not closed`, n);
  return root.children;
}

/**
 * Split a stream of text into complete <Event>…</Event> records (the wrapping <Events> element, XML
 * declarations and whitespace in between are skipped). Yields [recordText, startCharOffset].
 */
export async function* splitEventXml(chunks: AsyncIterable<string>): AsyncGenerator<{ text: string; offset: number } | { error: XmlError }> {
  let buf = '';
  let base = 0; // character offset of buf[0] in the whole stream
  for await (const piece of chunks) {
    buf += piece;
    for (;;) {
      const start = findEventStart(buf, 0);
      if (start < 0) {
        // Keep only a possible partial "<Event" at the end.
        const keep = Math.max(0, buf.length - 8);
        base += keep;
        buf = buf.slice(keep);
        break;
      }
      const end = buf.indexOf('</Event>', start);
      if (end < 0) {
        if (buf.length - start > XML_LIMITS.maxRecordChars) {
          yield { error: new XmlError(`<Event> record longer than ${XML_LIMITS.maxRecordChars} characters; skipped`, base + start) };
          base += buf.length;
          buf = '';
        } else if (start > 0) {
          base += start;
          buf = buf.slice(start);
        }
        break;
      }
      yield { text: buf.slice(start, end + 8), offset: base + start };
      base += end + 8;
      buf = buf.slice(end + 8);
    }
  }
  const start = findEventStart(buf, 0);
  if (start >= 0) yield { error: new XmlError('input ends inside an <Event> record', base + start) };
}

function findEventStart(s: string, from: number): number {
  let i = from;
  for (;;) {
    i = s.indexOf('<Event', i);
    if (i < 0) return -1;
    const c = s[i + 6];
    if (c === '>' || c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '/') return i;
    if (c === undefined) return -1;
    i += 6;
  }
}
