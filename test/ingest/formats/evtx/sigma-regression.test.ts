// The SigmaHQ regression cases fire their rule from the binary .evtx (through the 'evtx' reader) and
// from SigmaHQ's JSON rendering (through the 'winevent' reader): one normaliser, the same fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Event, ParsedEvent } from '../../../../src/core/index.ts';
import { createDetector, loadRuleSources } from '../../../../src/detect/index.ts';
import { evtxReader, winEventReader } from '../../../../src/ingest/formats/winevent.ts';
import type { FormatReader } from '../../../../src/ingest/formats/types.ts';
import { sharedData } from '../../../helpers/data.ts';

function ruleFilesById(): Map<string, string> {
  const root = sharedData('sigma_rules');
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) {
        const m = /^id:\s*['"]?([0-9a-f-]{36})/m.exec(readFileSync(p, 'utf8'));
        if (m) out.set(m[1], p);
      }
    }
  };
  walk(root);
  return out;
}

async function events(reader: FormatReader, path: string): Promise<{ events: Event[]; errors: number }> {
  const out: Event[] = [];
  let errors = 0;
  let n = 0;
  for await (const r of reader.read(createReadStream(path), { file: path })) {
    if (!r.ok) { errors++; continue; }
    const p: ParsedEvent = r.event;
    out.push({ ...p, id: `e${++n}`, ingested: 0, tenant: 't', source: path });
  }
  return { events: out, errors };
}

test('every shared SigmaHQ regression case fires its rule from the .evtx and from the .json', async () => {
  const root = sharedData('sigma_regression');
  const rows = readFileSync(join(root, 'EXPECTED.tsv'), 'utf8').split('\n').slice(1).filter((l) => l.trim()).map((l) => l.split('\t'));
  const byId = ruleFilesById();
  const rulesRoot = sharedData('sigma_rules');
  let cases = 0;
  const missed: string[] = [];
  for (const [testFile, , , , ruleId] of rows) {
    const ruleFile = byId.get(ruleId);
    assert.ok(ruleFile, `rule ${ruleId} is in the shared corpus`);
    const set = loadRuleSources([{ file: relative(rulesRoot, ruleFile), text: readFileSync(ruleFile, 'utf8') }]);
    assert.ok(set.rules.length >= 1, `rule ${ruleId} loads`);
    const evtx = join(root, testFile);
    for (const [reader, path] of [[evtxReader, evtx], [winEventReader, evtx.replace(/\.evtx$/, '.json')]] as const) {
      const { events: evs, errors } = await events(reader, path);
      assert.equal(errors, 0, `${path}: read without errors`);
      assert.ok(evs.length > 0, `${path}: has events`);
      const det = createDetector({ rules: set.rules });
      let fired = false;
      for (const ev of evs) if (det.process(ev).some((a) => a.rule.id === ruleId)) fired = true;
      if (!fired) missed.push(`${reader.name}: ${testFile}`);
      cases++;
    }
  }
  assert.deepEqual(missed, []);
  assert.ok(cases >= 2 * 160);
});

test('binary and JSON renderings of the same regression file give the same flat fields', async () => {
  const root = sharedData('sigma_regression');
  const rows = readFileSync(join(root, 'EXPECTED.tsv'), 'utf8').split('\n').slice(1).filter((l) => l.trim()).map((l) => l.split('\t'));
  let compared = 0;
  for (const [testFile] of rows.slice(0, 40)) {
    const evtx = join(root, testFile);
    const a = (await events(evtxReader, evtx)).events;
    const b = (await events(winEventReader, evtx.replace(/\.evtx$/, '.json'))).events;
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) {
      assert.equal(a[i].fields.EventID, b[i].fields.EventID);
      assert.equal(a[i].fields.Channel, b[i].fields.Channel);
      assert.equal(a[i].fields.Provider_Name, b[i].fields.Provider_Name);
      assert.equal(a[i].fields.Computer, b[i].fields.Computer);
      assert.equal(a[i].fields.EventRecordID, b[i].fields.EventRecordID);
      assert.deepEqual(a[i].logsource, b[i].logsource);
      assert.ok(Math.abs(a[i].time - b[i].time) <= 1, 'same event time to the millisecond');
      for (const k of ['Image', 'CommandLine', 'TargetFilename', 'TargetObject', 'ParentImage']) {
        if (b[i].fields[k] !== undefined) assert.equal(String(a[i].fields[k]).trimEnd().toLowerCase(), String(b[i].fields[k]).trimEnd().toLowerCase(), k);
      }
      compared++;
    }
  }
  assert.ok(compared >= 40);
});
