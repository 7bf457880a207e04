// Streaming splitter for JSON records: JSON Lines, several pretty-printed objects concatenated in one
// file (SigmaHQ regression JSON, `evtx_dump -o json`), or one top-level array of objects
// (`Get-WinEvent | ConvertTo-Json`). Yields each top-level object's text with its character offset;
// strings and escapes are tracked so braces inside values never confuse it. Record size is capped.

export const JSON_LIMITS = {
  /** Characters in one JSON record. */
  maxRecordChars: 16 * 1024 * 1024,
};

export type JsonPiece = { text: string; offset: number } | { error: string; offset: number };

export async function* splitJsonObjects(chunks: AsyncIterable<string>): AsyncGenerator<JsonPiece> {
  let depth = 0;
  let inStr = false;
  let esc = false;
  let parts: string[] = [];
  let partLen = 0;
  let recStart = -1; // stream offset where the current object began
  let skipping = false; // current object exceeded the size cap
  let pos = 0; // stream offset of the current piece
  for await (const piece of chunks) {
    let segStart = -1; // start index in `piece` of the object text inside this piece
    if (depth > 0 && !skipping) segStart = 0;
    for (let i = 0; i < piece.length; i++) {
      const c = piece.charCodeAt(i);
      if (inStr) {
        if (esc) esc = false;
        else if (c === 0x5c) esc = true;
        else if (c === 0x22) inStr = false;
        continue;
      }
      if (c === 0x22) { if (depth > 0) inStr = true; continue; }
      if (c === 0x7b || (c === 0x5b && depth > 0)) {
        if (depth === 0) { recStart = pos + i; segStart = i; parts = []; partLen = 0; skipping = false; }
        depth++;
      } else if (c === 0x7d || (c === 0x5d && depth > 0)) {
        if (depth === 0) continue;
        depth--;
        if (depth === 0) {
          if (skipping) {
            yield { error: `JSON record longer than ${JSON_LIMITS.maxRecordChars} characters; skipped`, offset: recStart };
          } else {
            parts.push(piece.slice(segStart, i + 1));
            yield { text: parts.join(''), offset: recStart };
          }
          parts = [];
          partLen = 0;
          segStart = -1;
          skipping = false;
        }
      }
    }
    if (depth > 0 && !skipping && segStart >= 0) {
      const tail = piece.slice(segStart);
      partLen += tail.length;
      if (partLen > JSON_LIMITS.maxRecordChars) { skipping = true; parts = []; }
      else parts.push(tail);
    }
    pos += piece.length;
  }
  if (depth > 0) yield { error: 'input ends inside a JSON record', offset: recStart };
}
