// Line and column of a YAML path, computed only when an error is shown (the fast loader parses with
// js-yaml, which keeps no node positions). Re-parses the file with the `yaml` package, whose nodes
// carry offset ranges, and walks the path; where the path stops existing the nearest parent is used.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';

export interface Position { line: number; column: number }

export class YamlLocator {
  private docs: ReturnType<typeof parseAllDocuments> | undefined;
  private lc = new LineCounter();
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  private parsed() {
    if (!this.docs) {
      const d = parseAllDocuments(this.text, { lineCounter: this.lc, uniqueKeys: false });
      this.docs = Array.isArray(d) ? d : [];
    }
    return this.docs;
  }

  pos(offset: number): Position {
    this.parsed();
    const p = this.lc.linePos(offset);
    return { line: p.line, column: p.col };
  }

  /** Position of the node at `path` in document `doc` (0-based); `column` adds a column inside a scalar. */
  locate(doc: number, path: (string | number)[], innerColumn?: number, onKey = false): Position | undefined {
    const d = this.parsed()[doc];
    if (!d) return undefined;
    let node: unknown = d.contents;
    let at: number | undefined = (d.contents as Node | null)?.range?.[0] ?? d.range?.[0];
    let keyOffset: number | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        node = pair.value;
        at = (pair.value as Node | null)?.range?.[0] ?? keyOffset;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        node = item;
        at = item.range?.[0];
        keyOffset = undefined;
      } else break;
    }
    if (onKey && keyOffset !== undefined && path.length > 0) return this.pos(keyOffset);
    if (at === undefined) return undefined;
    if (innerColumn !== undefined && isScalar(node)) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      const p = this.pos(at);
      return { line: p.line, column: p.column + innerColumn - 1 + (quoted ? 1 : 0) };
    }
    return this.pos(at);
  }

  /** 1-based line where document `doc` starts. */
  docLine(doc: number): number | undefined {
    const d = this.parsed()[doc];
    const off = (d?.contents as Node | null)?.range?.[0] ?? d?.range?.[0];
    return off === undefined ? undefined : this.pos(off).line;
  }
}

/** Start offsets of each YAML document (cheap scan for `---` lines) to give rules a line number. */
export function documentStartLines(text: string): number[] {
  const out = [1];
  let line = 1;
  let i = 0;
  let seenContent = false;
  while (i < text.length) {
    const nl = text.indexOf('\n', i);
    const end = nl < 0 ? text.length : nl;
    const isMarker = text.startsWith('---', i) && (end - i === 3 || text[i + 3] === ' ' || text[i + 3] === '\r');
    if (isMarker) {
      if (!seenContent) out[0] = line + 1; // leading marker: the first document starts after it
      else out.push(line + 1);
      seenContent = true;
    } else if (end > i && text.charCodeAt(i) !== 35 && text.slice(i, end).trim() !== '') {
      seenContent = true;
    }
    line++;
    i = end + 1;
  }
  return out;
}
