// Collects generated records per output file, then renders each file in time order. Windows records
// get their EventRecordID here (per computer and channel, in time order), as a real log would.

export interface WinRecord {
  System: Record<string, unknown> & { Computer: string; Channel: string };
  EventData?: Record<string, string>;
  UserData?: Record<string, unknown>;
}

interface Row {
  t: number;
  seq: number;
  line?: string;
  win?: WinRecord;
}

export class Sink {
  private readonly files = new Map<string, Row[]>();
  private readonly blobs = new Map<string, string>();
  private seq = 0;

  line(file: string, t: number, text: string): void {
    this.rows(file).push({ t, seq: this.seq++, line: text });
  }

  win(file: string, t: number, rec: WinRecord): void {
    this.rows(file).push({ t, seq: this.seq++, win: rec });
  }

  /** A whole file written as is (X12 documents, manifests). */
  blob(file: string, text: string): void {
    if (this.blobs.has(file)) throw new Error(`demo generator wrote ${file} twice`);
    this.blobs.set(file, text);
  }

  /** Number of line records per file (before rendering). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [f, rows] of this.files) out[f] = rows.length;
    return out;
  }

  /** Renders every file: path → content. Header lines (e.g. CSV) are passed per file. */
  render(headers: Record<string, string> = {}): Map<string, string> {
    const out = new Map<string, string>();
    const recordIds = new Map<string, number>();
    const paths = [...this.files.keys(), ...this.blobs.keys()].sort();
    for (const path of paths) {
      const blob = this.blobs.get(path);
      if (blob !== undefined) { out.set(path, blob); continue; }
      const rows = this.files.get(path)!;
      rows.sort((a, b) => a.t - b.t || a.seq - b.seq);
      const parts: string[] = [];
      if (headers[path]) parts.push(headers[path]);
      for (const r of rows) {
        if (r.line !== undefined) { parts.push(r.line); continue; }
        const w = r.win!;
        const key = `${w.System.Computer}|${w.System.Channel}`;
        const id = (recordIds.get(key) ?? 100_000) + 1;
        recordIds.set(key, id);
        const system = { ...w.System, EventRecordID: id };
        // Key order as evtx_dump writes it: #attributes, System, then EventData or UserData.
        const event: Record<string, unknown> = { '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' }, System: reorderSystem(system) };
        if (w.EventData) event.EventData = w.EventData;
        if (w.UserData) event.UserData = w.UserData;
        parts.push(JSON.stringify({ Event: event }));
      }
      out.set(path, parts.join('\n') + '\n');
    }
    return out;
  }

  private rows(file: string): Row[] {
    let r = this.files.get(file);
    if (!r) { r = []; this.files.set(file, r); }
    return r;
  }
}

const SYSTEM_ORDER = ['Provider', 'EventID', 'Version', 'Level', 'Task', 'Opcode', 'Keywords', 'TimeCreated', 'EventRecordID', 'Correlation', 'Execution', 'Channel', 'Computer', 'Security'];

function reorderSystem(s: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SYSTEM_ORDER) if (k in s) out[k] = s[k];
  for (const k of Object.keys(s)) if (!(k in out)) out[k] = s[k];
  return out;
}
