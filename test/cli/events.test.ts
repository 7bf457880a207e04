import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { captureIO } from '../helpers/cli.ts';
import { newId, type Event } from '../../src/core/index.ts';
import { parseSyslogLine } from '../../src/ingest/formats/syslog.ts';
import { openStore } from '../../src/store/index.ts';
import { parseTimeOption } from '../../src/cli/commands/events.ts';
import { sharedData } from '../helpers/data.ts';

const io = captureIO;

// The loghub Linux sample, parsed and stored as an ingest would.
function seed(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-cli-events-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openStore({ dataDir: join(dir, 'data') });
  const ref = Date.UTC(2026, 11, 31);
  const events: Event[] = [];
  for (const line of readFileSync(sharedData('auth_logs_loghub', 'Linux_2k.log'), 'utf8').split(/\r?\n/)) {
    if (!line.trim()) continue;
    const r = parseSyslogLine(line, { referenceTime: ref, keepRaw: true });
    if (r.ok) events.push({ ...r.event, id: newId(), ingested: ref, tenant: 'default', source: 'Linux_2k.log' });
  }
  store.events.insertBatch(events);
  store.close();
  return dir;
}

test('events query filters by field and prints JSON lines', async (t) => {
  const dir = seed(t);
  const c = io(dir);
  assert.equal(await main(['events', 'query', '--data-dir', 'data', '--where', 'user=root', '--service', 'sshd', '--limit', '0', '--format', 'jsonl'], c), 0);
  const rows = c.out().trim().split('\n').map((l) => JSON.parse(l) as Event);
  assert.ok(rows.length > 10);
  assert.ok(rows.every((e) => e.fields.user === 'root' && e.logsource.service === 'sshd'));
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].time <= rows[i].time);
});

test('events query --text, --from/--to, --newest, --limit and the table format', async (t) => {
  const dir = seed(t);
  const c = io(dir);
  assert.equal(await main(['events', 'query', '--data-dir', 'data', '--text', 'ftpd', '--from', '2026-06-17', '--to', '2026-06-18', '--newest', '--limit', '3'], c), 0);
  const lines = c.out().trim().split('\n');
  assert.equal(lines.length, 3);
  assert.ok(lines.every((l) => l.startsWith('2026-06-17T')), c.out());
  assert.ok(lines[0] >= lines[1] && lines[1] >= lines[2]);
  assert.match(c.err(), /3 events \(limit 3/);
});

test('events query --format csv quotes fields and json is one array', async (t) => {
  const dir = seed(t);
  const c = io(dir);
  assert.equal(await main(['events', 'query', '--data-dir', 'data', '--limit', '2', '--format', 'csv'], c), 0);
  const csv = c.out().split('\n');
  assert.equal(csv[0], 'time,id,tenant,source,product,category,service,fields,raw');
  assert.match(csv[1], /^2026-\d\d-\d\dT[\d:.]+Z,[0-9A-Z]{26},default,Linux_2k\.log,linux,,\w+,"\{""/);
  const j = io(dir);
  assert.equal(await main(['events', 'query', '--data-dir', 'data', '--limit', '5', '--format', 'json'], j), 0);
  assert.equal((JSON.parse(j.out()) as unknown[]).length, 5);
  const none = io(dir);
  assert.equal(await main(['events', 'query', '--data-dir', 'data', '--where', 'user=nobody-at-all', '--format', 'json'], none), 0);
  assert.deepEqual(JSON.parse(none.out()), []);
});

test('events query: bad usage exits 2, a missing store exits 2 with INPUT_NOT_FOUND', async (t) => {
  const dir = seed(t);
  for (const args of [['--where', 'novalue'], ['--from', 'soon'], ['--limit', '-1'], ['--format', 'xml'], ['--bogus']]) {
    const c = io(dir);
    assert.equal(await main(['events', 'query', '--data-dir', 'data', ...args], c), 2, args.join(' '));
    assert.match(c.err(), /CLI_USAGE/);
  }
  const c = io(dir);
  assert.equal(await main(['events', 'query', '--data-dir', 'nowhere'], c), 2);
  assert.match(c.err(), /INPUT_NOT_FOUND/);
  const h = io(dir);
  assert.equal(await main(['events', '--help'], h), 0);
  assert.match(h.out(), /--where K=V/);
});

test('time options accept RFC 3339, dates, epochs and durations', () => {
  const now = Date.UTC(2026, 0, 2);
  assert.equal(parseTimeOption('from', '24h', now), Date.UTC(2026, 0, 1));
  assert.equal(parseTimeOption('from', '2026-01-01', now), Date.UTC(2026, 0, 1));
  assert.equal(parseTimeOption('from', '2026-01-01T06:00:00+06:00', now), Date.UTC(2026, 0, 1));
  assert.equal(parseTimeOption('from', '1767225600', now), Date.UTC(2026, 0, 1));
});
