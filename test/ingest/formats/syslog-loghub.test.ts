// The loghub OpenSSH and Linux samples: every line parses, and for every loghub template that
// carries a user or an IP our extracted fields agree with the parameters loghub's template
// extracts from the same line (loghub's *_structured.csv is the ground truth).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { sharedData } from '../../helpers/data.ts';
import { syslogReader } from '../../../src/ingest/formats/syslog.ts';
import { isIp } from '../../../src/ingest/formats/syslog-messages.ts';
import { parseCsvText } from '../../../src/ingest/formats/csv.ts';
import type { ParsedEvent } from '../../../src/core/index.ts';

const REF = Date.UTC(2026, 10, 27);

async function parseAll(name: string): Promise<{ events: Map<number, ParsedEvent>; errors: string[]; lines: number }> {
  const file = sharedData('auth_logs_loghub', name);
  const events = new Map<number, ParsedEvent>();
  const errors: string[] = [];
  let line = 0;
  for await (const r of syslogReader.read(createReadStream(file), { file: name, referenceTime: REF })) {
    line++;
    if (r.ok) events.set(line, r.event);
    else errors.push(r.error.format());
  }
  return { events, errors, lines: readFileSync(file, 'utf8').split('\n').length };
}

/** Which template parameter (0-based index) or literal holds the user / IP / port / remote host. */
interface Expect { user?: number | string; ip?: number; port?: number; rhost?: number }

// Every template that mentions a user or an address is listed here or in NO_ENTITY below.
const OPENSSH: Record<string, Expect> = {
  E1: { user: 0, ip: 1, port: 2 }, E2: { ip: 0 }, E3: { ip: 0 }, E4: { user: 'admin' }, E5: { user: 'root' },
  E6: { ip: 0 }, E7: { ip: 0 }, E8: { user: 0, ip: 1, port: 2 }, E9: { user: 0, ip: 1, port: 2 },
  E10: { user: 0, ip: 1, port: 2 }, E12: { user: 0 }, E13: { user: 0, ip: 1 }, E14: { user: 'root', ip: 1, port: 2 },
  E15: { rhost: 3 }, E16: { rhost: 3 }, E17: { rhost: 3, user: 'root' }, E19: { rhost: 2 }, E20: { rhost: 2, user: 3 },
  E22: { user: 0 }, E23: { user: 0 }, E24: { ip: 0 }, E25: { ip: 0 }, E26: { ip: 0 }, E27: { ip: 1 },
};
const LINUX: Record<string, Expect> = {
  E9: { ip: 0, user: 'anonymous' }, E13: { ip: 0 }, E14: { ip: 0 }, E16: { rhost: 0 }, E17: { rhost: 0, user: 'guest' },
  E18: { rhost: 0, user: 'root' }, E19: { rhost: 0, user: 'test' }, E29: { ip: 0 }, E88: { ip: 0 }, E91: { user: 'root' },
  E101: { user: 0 }, E102: { user: 0 }, E103: { user: 0 },
};
// Templates whose wording mentions a user but names none ("user unknown"), or an address field that is empty.
const NO_ENTITY = new Set(['OpenSSH:E21', 'Linux:E4', 'Linux:E15', 'Linux:E27', 'Linux:E31', 'Linux:E112']);

function templateRegex(t: string): RegExp {
  const parts = t.split('<*>').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp('^' + parts.join('(.*?)') + '$');
}

function checkAgainstLoghub(label: string, name: string, table: Record<string, Expect>) {
  test(`${label}: extracted user / IP agree with loghub's structured CSV for every entity-bearing template`, async () => {
    const { events, errors } = await parseAll(name);
    assert.deepEqual(errors, []);
    const templates = parseCsvText(readFileSync(sharedData('auth_logs_loghub', `${name}_templates.csv`), 'utf8'));
    // Coverage: every template that mentions a user or an address is checked or explicitly excluded.
    for (const [id, text] of templates.slice(1)) {
      if (/user|from <\*>|rhost=|\[<\*>\]|LOGIN/i.test(text)) {
        assert.ok(table[id] || NO_ENTITY.has(`${label}:${id}`), `${label} template ${id} "${text}" is neither checked nor excluded`);
      }
    }
    const rows = parseCsvText(readFileSync(sharedData('auth_logs_loghub', `${name}_structured.csv`), 'utf8'));
    const head = rows[0];
    const col = (n: string) => head.indexOf(n);
    const [cLine, cContent, cEvent, cTemplate] = [col('LineId'), col('Content'), col('EventId'), col('EventTemplate')];
    let checked = 0;
    const byTemplate = new Map<string, number>();
    for (const row of rows.slice(1)) {
      const id = row[cEvent];
      const ev = events.get(Number(row[cLine]));
      assert.ok(ev, `line ${row[cLine]} was not parsed`);
      assert.equal(ev.fields.message, row[cContent], `line ${row[cLine]}: message differs from loghub Content`);
      const exp = table[id];
      if (NO_ENTITY.has(`${label}:${id}`)) {
        assert.equal(ev.fields.src_ip, undefined, `line ${row[cLine]} (${id}) should carry no src_ip`);
        continue;
      }
      if (!exp) continue;
      const m = templateRegex(row[cTemplate]).exec(row[cContent]);
      assert.ok(m, `line ${row[cLine]}: loghub template ${id} does not match its own content`);
      const params = m.slice(1);
      const where = `line ${row[cLine]} (${id}: ${row[cContent]})`;
      if (typeof exp.user === 'number') assert.equal(ev.fields.user, params[exp.user], `${where}: user`);
      else if (typeof exp.user === 'string') assert.equal(ev.fields.user, exp.user, `${where}: user`);
      if (exp.ip !== undefined) assert.equal(ev.fields.src_ip, params[exp.ip], `${where}: src_ip`);
      if (exp.port !== undefined) assert.equal(ev.fields.src_port, parseInt(params[exp.port], 10), `${where}: src_port`); // E14's last parameter is "42393 ssh2"
      if (exp.rhost !== undefined) {
        const r = params[exp.rhost].trim();
        if (isIp(r)) assert.equal(ev.fields.src_ip, r, `${where}: src_ip from rhost`);
        else { assert.equal(ev.fields.rhost, r, `${where}: rhost`); assert.equal(ev.fields.src_ip, undefined, `${where}: no src_ip for a host name`); }
      }
      checked++;
      byTemplate.set(id, (byTemplate.get(id) ?? 0) + 1);
    }
    // The comparison really ran over the templates in the table.
    for (const id of Object.keys(table)) assert.ok((byTemplate.get(id) ?? 0) > 0, `${label}: no row of template ${id} was checked`);
    assert.ok(checked > 500, `only ${checked} rows checked`);
  });
}

test('all 2,000 lines of OpenSSH_2k.log parse, with host, program, pid and a linux/sshd logsource', async () => {
  const { events, errors, lines } = await parseAll('OpenSSH_2k.log');
  assert.deepEqual(errors, []);
  assert.equal(lines, 2000);
  assert.equal(events.size, 2000);
  for (const ev of events.values()) {
    assert.equal(ev.fields.host, 'LabSZ');
    assert.equal(ev.fields.program, 'sshd');
    assert.equal(typeof ev.fields.pid, 'number');
    assert.deepEqual(ev.logsource, { product: 'linux', service: 'sshd' });
  }
  // Year inference: "Dec 10" read on 2026-11-27 is within 31 days ahead, so it stays in 2026.
  assert.equal(new Date(events.get(1)!.time).toISOString(), '2026-12-10T06:55:46.000Z');
});

test('all 2,000 lines of Linux_2k.log parse', async () => {
  const { events, errors, lines } = await parseAll('Linux_2k.log');
  assert.deepEqual(errors, []);
  assert.equal(lines, 2000);
  assert.equal(events.size, 2000);
  const first = events.get(1)!;
  assert.equal(first.fields.program, 'sshd');
  assert.equal(first.fields.pam_module, 'pam_unix');
  assert.equal(first.fields.outcome, 'failure');
  assert.equal(first.fields.src_ip, '218.188.2.4');
  assert.equal(new Date(first.time).toISOString(), '2026-06-14T15:16:01.000Z');
  const su = [...events.values()].find((e) => e.fields.program === 'su');
  assert.deepEqual(su?.logsource, { product: 'linux', service: 'auth' });
});

test('the full loghub Linux log (25,237 lines) parses without a rejected line', async () => {
  let ok = 0, bad = 0;
  for await (const r of syslogReader.read(createReadStream(sharedData('auth_logs_loghub', 'Linux_full.log')), { file: 'Linux_full.log', referenceTime: REF })) {
    if (r.ok) ok++; else bad++;
  }
  assert.equal(bad, 0);
  assert.equal(ok, 25237);
});

test('OpenSSH outcomes: Accepted is success, Failed / Invalid user are failures, with auth_method', async () => {
  const { events } = await parseAll('OpenSSH_2k.log');
  const all = [...events.values()];
  const accepted = all.filter((e) => String(e.fields.message).startsWith('Accepted password'));
  assert.equal(accepted.length, 1);
  assert.equal(accepted[0].fields.outcome, 'success');
  assert.equal(accepted[0].fields.auth_method, 'password');
  const failed = all.filter((e) => String(e.fields.message).startsWith('Failed password'));
  assert.equal(failed.length, 518);
  assert.ok(failed.every((e) => e.fields.outcome === 'failure' && e.fields.auth_method === 'password' && e.fields.action === 'login'));
  const breakIn = all.filter((e) => e.fields.action === 'break_in_attempt');
  assert.equal(breakIn.length, 85);
});

checkAgainstLoghub('OpenSSH', 'OpenSSH_2k.log', OPENSSH);
checkAgainstLoghub('Linux', 'Linux_2k.log', LINUX);
