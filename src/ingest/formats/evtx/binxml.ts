// BinXML: the token stream inside each EVTX record. A record holds a fragment whose body is a template
// instance: a reference to a template definition (an element tree with numbered substitution slots,
// stored once per chunk and cached here by chunk offset) plus the record's array of substitution values.
//
// Everything is bounded: offsets are checked against the chunk, element nesting and nested-BinXML
// depth are capped, every loop advances or stops, and a template definition may not contain a
// template instance (so template references cannot loop). Violations throw BinXmlError with the
// chunk-relative offset; the caller turns that into a located warning and goes on with the next record.
import { VT, arrayText, scalarText, utf16At } from './values.ts';

/** Limits against hostile input. */
export const BINXML_LIMITS = {
  /** Element nesting inside one template or fragment. */
  maxDepth: 64,
  /** Nested BinXML substitution values (fragment inside a value inside a fragment …). */
  maxFragmentDepth: 8,
  /** Tokens read for one record (all templates and nested fragments together). */
  maxTokens: 200_000,
  /** Substitution values in one template instance. */
  maxValues: 8192,
};

export class BinXmlError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'BinXmlError';
    this.offset = offset;
  }
}

// ---- template trees (parsed once per chunk) ----

export interface TSub { k: 1; index: number; type: number; optional: boolean }
export interface TAttr { name: string; parts: (string | TSub)[] }
export interface TElem { k: 0; name: string; attrs: TAttr[]; children: TNode[] }
export interface TPi { k: 2; target: string; data: string }
export interface TCData { k: 4; text: string }
/** A template instance inside a fragment: the definition's nodes plus this instance's values. */
export interface TInst { k: 3; nodes: TNode[]; values: Val[] }
export type TNode = string | TElem | TSub | TPi | TInst | TCData;

/** A decoded substitution value: rendered text, null, or a nested fragment. */
export type Val = string | null | TNode[];

// ---- materialised record tree ----

export interface XElement { name: string; attrs: [string, string][]; children: XChild[] }
export interface XPi { pi: string; data: string }
export interface XCData { cdata: string }
export type XChild = XElement | string | XPi | XCData;

/** Parsing state for one chunk: its bytes and the per-chunk name and template caches. */
export class ChunkContext {
  readonly buf: Uint8Array;
  readonly dv: DataView;
  readonly names = new Map<number, string>();
  readonly templates = new Map<number, TNode[]>();
  /** Templates currently being parsed (guards against a definition that refers to itself). */
  private readonly parsing = new Set<number>();
  tokens = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Name string at a chunk offset: u32 next, u16 hash, u16 length, UTF-16 chars, u16 NUL. */
  name(off: number): string {
    const cached = this.names.get(off);
    if (cached !== undefined) return cached;
    if (off < 0 || off + 8 > this.buf.length) throw new BinXmlError(`name offset ${off} outside the chunk`, off);
    const len = this.dv.getUint16(off + 6, true);
    const end = off + 8 + len * 2;
    if (end > this.buf.length) throw new BinXmlError(`name at ${off} runs past the chunk`, off);
    const s = utf16At(this.buf, off + 8, end);
    this.names.set(off, s);
    return s;
  }

  nameSize(off: number): number {
    return 8 + this.dv.getUint16(off + 6, true) * 2 + 2;
  }

  /** Template definition at a chunk offset: u32 next, GUID, u32 data size, then a BinXML fragment. */
  template(off: number, depth: number): TNode[] {
    const hit = this.templates.get(off);
    if (hit) return hit;
    if (this.parsing.has(off)) throw new BinXmlError(`template at ${off} refers to itself`, off);
    if (off < 512 || off + 24 > this.buf.length) throw new BinXmlError(`template offset ${off} outside the chunk`, off);
    const size = this.dv.getUint32(off + 20, true);
    const end = off + 24 + size;
    if (end > this.buf.length) throw new BinXmlError(`template at ${off} runs past the chunk`, off);
    this.parsing.add(off);
    try {
      const p = new Parser(this, off + 24, end, depth, true);
      const nodes = p.content(0, true);
      this.templates.set(off, nodes);
      return nodes;
    } finally {
      this.parsing.delete(off);
    }
  }
}

/** Token reader over buf[pos, end) of one chunk. */
class Parser {
  private readonly c: ChunkContext;
  private readonly b: Uint8Array;
  private readonly dv: DataView;
  pos: number;
  private readonly end: number;
  /** Nested-fragment depth. */
  private readonly fdepth: number;
  /** Parsing a template definition (no template instances allowed). */
  private readonly inTemplate: boolean;

  constructor(c: ChunkContext, pos: number, end: number, fdepth: number, inTemplate: boolean) {
    this.c = c;
    this.b = c.buf;
    this.dv = c.dv;
    this.pos = pos;
    this.end = end;
    this.fdepth = fdepth;
    this.inTemplate = inTemplate;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new BinXmlError(`BinXML token at ${this.pos} runs past its data (${this.end})`, this.pos);
  }

  private tick(): void {
    if (++this.c.tokens > BINXML_LIMITS.maxTokens) throw new BinXmlError('too many BinXML tokens in one record', this.pos);
  }

  /** A name reference: u32 offset; when the name is stored inline right here, step over it. */
  private nameRef(tokenStart: number): string {
    this.need(4);
    const off = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    if (off < 512 || off + 8 > this.b.length) throw new BinXmlError(`name offset ${off} outside the chunk`, tokenStart);
    const name = this.c.name(off);
    if (off > tokenStart && off === this.pos) {
      this.pos += this.c.nameSize(off);
      if (this.pos > this.end) throw new BinXmlError(`inline name at ${off} runs past its data`, off);
    }
    return name;
  }

  /**
   * Content until a close-element token (inside an element), or until end of stream / end of data (top
   * level). Returns the nodes read.
   */
  content(depth: number, top: boolean): TNode[] {
    const out: TNode[] = [];
    if (depth > BINXML_LIMITS.maxDepth) throw new BinXmlError('elements nested too deeply', this.pos);
    const b = this.b;
    while (this.pos < this.end) {
      this.tick();
      const start = this.pos;
      const tok = b[start];
      switch (tok & 0x0f) {
        case 0x00: // end of stream
          this.pos++;
          if (top) return out;
          throw new BinXmlError('end of stream inside an element', start);
        case 0x01:
          out.push(this.element(depth + 1));
          break;
        case 0x04: // close element
          if (top) throw new BinXmlError('close-element token outside any element', start);
          this.pos++;
          return out;
        case 0x05: case 0x07: case 0x08: case 0x09: case 0x0d: case 0x0e:
          out.push(this.valueish());
          break;
        case 0x0a: { // processing instruction target, then data
          this.pos++;
          const target = this.nameRef(start);
          let data = '';
          if (this.pos < this.end && (b[this.pos] & 0x0f) === 0x0b) {
            this.need(3);
            const n = this.dv.getUint16(this.pos + 1, true);
            this.pos += 3;
            this.need(n * 2);
            data = utf16At(b, this.pos, this.pos + n * 2);
            this.pos += n * 2;
          }
          out.push({ k: 2, target, data });
          break;
        }
        case 0x0c:
          if (this.inTemplate) throw new BinXmlError('template instance inside a template definition', start);
          out.push(this.instance());
          // A record fragment holds one template instance; what follows belongs to nobody.
          if (top) return out;
          break;
        case 0x0f: // fragment header
          this.need(4);
          this.pos += 4;
          break;
        default:
          throw new BinXmlError(`unexpected BinXML token 0x${tok.toString(16)}`, start);
      }
    }
    if (!top) throw new BinXmlError('element not closed before the end of its data', this.pos);
    return out;
  }

  /** A value-like token: text value, CDATA, character or entity reference, substitution. */
  private valueish(): TNode {
    const b = this.b;
    const start = this.pos;
    const tok = b[start] & 0x0f;
    switch (tok) {
      case 0x05: {
        this.need(2);
        const type = b[start + 1];
        this.pos += 2;
        if (type === VT.WSTRING) {
          this.need(2);
          const n = this.dv.getUint16(this.pos, true);
          this.pos += 2;
          this.need(n * 2);
          const s = utf16At(b, this.pos, this.pos + n * 2);
          this.pos += n * 2;
          return s;
        }
        if (type === VT.ASTRING) {
          this.need(2);
          const n = this.dv.getUint16(this.pos, true);
          this.pos += 2;
          this.need(n);
          const s = scalarText(b, this.dv, VT.ASTRING, this.pos, n);
          this.pos += n;
          return s;
        }
        throw new BinXmlError(`value token of unsupported type 0x${type.toString(16)}`, start);
      }
      case 0x07: {
        this.need(3);
        const n = this.dv.getUint16(start + 1, true);
        this.pos += 3;
        this.need(n * 2);
        const s = utf16At(b, this.pos, this.pos + n * 2);
        this.pos += n * 2;
        return { k: 4, text: s };
      }
      case 0x08: {
        this.need(3);
        const ch = this.dv.getUint16(start + 1, true);
        this.pos += 3;
        return String.fromCharCode(ch);
      }
      case 0x09: {
        this.pos++;
        const name = this.nameRef(start);
        return ENTITIES[name] ?? `&${name};`;
      }
      case 0x0d: case 0x0e: {
        this.need(4);
        const index = this.dv.getUint16(start + 1, true);
        const type = b[start + 3];
        this.pos += 4;
        return { k: 1, index, type, optional: tok === 0x0e };
      }
      default:
        throw new BinXmlError(`unexpected BinXML token 0x${b[start].toString(16)} in a value`, start);
    }
  }

  private element(depth: number): TElem {
    if (depth > BINXML_LIMITS.maxDepth) throw new BinXmlError('elements nested too deeply', this.pos);
    const start = this.pos;
    const tok = this.b[start];
    this.need(11);
    this.pos += 7; // token, u16 dependency id, u32 data size
    const name = this.nameRef(start);
    const attrs: TAttr[] = [];
    if (tok & 0x40) {
      this.need(4);
      this.pos += 4; // attribute list size
      for (;;) {
        this.tick();
        this.need(1);
        const t = this.b[this.pos];
        if ((t & 0x0f) !== 0x06) break;
        const astart = this.pos;
        this.pos++;
        const aname = this.nameRef(astart);
        const parts: (string | TSub)[] = [];
        while (this.pos < this.end) {
          const v = this.b[this.pos] & 0x0f;
          if (v !== 0x05 && v !== 0x08 && v !== 0x09 && v !== 0x0d && v !== 0x0e) break;
          this.tick();
          const node = this.valueish();
          parts.push(typeof node === 'string' || node.k === 1 ? node : (node as TCData).text);
        }
        attrs.push({ name: aname, parts });
      }
    }
    this.need(1);
    const close = this.b[this.pos] & 0x0f;
    if (close === 0x03) { // empty element
      this.pos++;
      return { k: 0, name, attrs, children: [] };
    }
    if (close !== 0x02) throw new BinXmlError(`expected close-start token after element <${name}>, got 0x${this.b[this.pos].toString(16)}`, this.pos);
    this.pos++;
    const children = this.content(depth, false);
    return { k: 0, name, attrs, children };
  }

  /** Template instance: header, optional inline definition, then the substitution value array. */
  private instance(): TInst {
    const start = this.pos;
    this.need(10);
    const defOff = this.dv.getUint32(start + 6, true);
    this.pos += 10;
    if (defOff >= this.pos && defOff < this.end) {
      // Definition stored inline right here: step over it.
      if (defOff + 24 > this.end) throw new BinXmlError('inline template header runs past its data', defOff);
      const size = this.dv.getUint32(defOff + 20, true);
      const after = defOff + 24 + size;
      if (after > this.end) throw new BinXmlError('inline template runs past its data', defOff);
      this.pos = after;
    }
    if (defOff < 512 || defOff + 24 > this.b.length) throw new BinXmlError(`template offset ${defOff} outside the chunk`, start);
    const nodes = this.c.template(defOff, this.fdepth);
    const values = this.values();
    return { k: 3, nodes, values };
  }

  private values(): Val[] {
    this.need(4);
    const dv = this.dv;
    const count = dv.getUint32(this.pos, true);
    if (count > BINXML_LIMITS.maxValues || this.pos + 4 + count * 4 > this.end) {
      throw new BinXmlError(`substitution array of ${count} values does not fit`, this.pos);
    }
    let d = this.pos + 4;
    let q = d + count * 4;
    const vals: Val[] = new Array(count);
    for (let i = 0; i < count; i++, d += 4) {
      const size = dv.getUint16(d, true);
      const type = this.b[d + 2];
      if (q + size > this.end) throw new BinXmlError(`substitution value ${i} runs past the record`, q);
      vals[i] = this.value(type, q, size);
      q += size;
    }
    this.pos = q;
    return vals;
  }

  private value(type: number, p: number, size: number): Val {
    if (type === VT.NULL) return null;
    if (type === VT.BINXML) {
      if (size === 0) return null;
      if (this.fdepth + 1 > BINXML_LIMITS.maxFragmentDepth) throw new BinXmlError('nested BinXML too deep', p);
      const sub = new Parser(this.c, p, p + size, this.fdepth + 1, false);
      return sub.content(0, true);
    }
    try {
      if (type & VT.ARRAY) return arrayText(this.b, this.dv, type, p, size);
      if (size === 0 && (type === VT.WSTRING || type === VT.ASTRING || type === VT.BINARY)) return '';
      return scalarText(this.b, this.dv, type, p, size);
    } catch (e) {
      if (e instanceof RangeError) throw new BinXmlError(e.message, p);
      throw e;
    }
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parse the BinXML fragment of one record at buf[start, end) (chunk-relative offsets). */
export function parseRecordFragment(c: ChunkContext, start: number, end: number): TNode[] {
  c.tokens = 0;
  return new Parser(c, start, end, 0, false).content(0, true);
}

/** Materialise a fragment (template instances filled with their values) into plain elements. */
export function materialise(nodes: TNode[], values: Val[] | null): XChild[] {
  const out: XChild[] = [];
  fill(nodes, values, out, 0);
  return out;
}

function fill(nodes: TNode[], values: Val[] | null, out: XChild[], depth: number): void {
  if (depth > BINXML_LIMITS.maxFragmentDepth * 2) throw new BinXmlError('nested BinXML too deep', 0);
  for (const n of nodes) {
    if (typeof n === 'string') { out.push(n); continue; }
    switch (n.k) {
      case 0: {
        const attrs: [string, string][] = [];
        for (const a of n.attrs) {
          let v = '';
          for (const part of a.parts) {
            if (typeof part === 'string') v += part;
            else { const x = values ? values[part.index] : undefined; if (typeof x === 'string') v += x; }
          }
          attrs.push([a.name, v]);
        }
        const children: XChild[] = [];
        fill(n.children, values, children, depth);
        out.push({ name: n.name, attrs, children });
        break;
      }
      case 1: {
        const x = values ? values[n.index] : undefined;
        if (typeof x === 'string') out.push(x);
        else if (Array.isArray(x)) fill(x, null, out, depth + 1);
        break;
      }
      case 2: out.push({ pi: n.target, data: n.data }); break;
      case 3: fill(n.nodes, n.values, out, depth + 1); break;
      case 4: out.push({ cdata: n.text }); break;
    }
  }
}
