import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cefReader, parseCefExtension, parseCefLine, splitCefHeader } from '../../../src/ingest/formats/cef.ts';
import { collect, errs, oks, REF } from './helpers.ts';

test('firewall and VPN CEF: header, escapes, extension values with spaces, canonical fields, logsource', async () => {
  const results = await collect(cefReader, { fixture: 'cef/firewall.log' });
  const ev = oks(results);
  assert.equal(ev.length, 5);
  const [forti, pan, asa, acme, forti2] = ev;
  assert.equal(forti.time, 1695111970000);
  assert.deepEqual(forti.logsource, { product: 'fortigate', category: 'firewall' });
  assert.deepEqual(pick(forti.fields, ['src_ip', 'src_port', 'dst_ip', 'dst_port', 'action', 'outcome', 'host', 'msg', 'device_vendor', 'name', 'cef_severity']), {
    src_ip: '203.0.113.5', src_port: 51544, dst_ip: '10.0.0.8', dst_port: 3389, action: 'deny', outcome: 'failure', host: 'fw01',
    msg: 'RDP from the internet blocked', device_vendor: 'Fortinet', name: 'traffic denied', cef_severity: '5',
  });
  assert.equal(new Date(pan.time).toISOString(), '2023-09-19T08:27:00.000Z');
  assert.equal(pan.fields.user, 'corp\\jdoe');
  assert.equal(pan.fields.cs1, 'allow out');
  assert.deepEqual(pan.logsource, { product: 'pan_os', category: 'firewall' });
  assert.deepEqual(asa.logsource, { product: 'asa_anyconnect_vpn', category: 'vpn' });
  assert.equal(asa.fields.user, 'jdoe');
  assert.equal(asa.fields.target_user, 'jdoe');
  assert.equal(asa.fields.outcome, 'success');
  assert.equal(acme.fields.device_vendor, 'Acme|Corp');
  assert.equal(acme.fields.device_product, 'Wall\\Guard');
  assert.equal(acme.fields.name, 'name with | pipe');
  assert.equal(acme.fields.msg, 'a=b c\\d line1\nline2');
  assert.equal(acme.fields.src_ip, '192.0.2.1');
  // No rt: the syslog prefix gives the time (year inferred) and the host.
  assert.equal(new Date(forti2.time).toISOString(), '2026-09-19T08:30:00.000Z');
  assert.equal(forti2.fields.host, 'fw02');
  assert.equal(forti2.fields.facility, 'local0');
  const bad = errs(results);
  assert.equal(bad.length, 1);
  assert.equal(bad[0].code, 'CEF_BAD_RECORD');
  assert.equal(bad[0].location?.line, 5);
});

test('extension parsing: escaped "=", trailing spaces, keys with dots and brackets', () => {
  assert.deepEqual(parseCefExtension('a=1 b=two words c=x\\=y  '), { a: '1', b: 'two words', c: 'x=y' });
  assert.deepEqual(parseCefExtension('request=http://h/p?q=1 ad.key[0]=v'), { request: 'http://h/p?q=1', 'ad.key[0]': 'v' });
  assert.deepEqual(parseCefExtension(''), {});
  const h = splitCefHeader('0|V|P|1|sig|N|3|');
  assert.ok(typeof h !== 'string');
  assert.equal(h.extension, '');
  assert.equal(typeof splitCefHeader('0|V|P'), 'string');
});

test('bad rt, no time at all, and a non-numeric version are located errors', () => {
  const opts = { referenceTime: REF };
  let r = parseCefLine('CEF:0|V|P|1|s|n|1|rt=yesterday', opts, { line: 3 });
  assert.ok(!r.ok && r.error.code === 'INGEST_BAD_TIME' && r.error.location?.line === 3 && r.error.location.path === 'rt');
  r = parseCefLine('CEF:0|V|P|1|s|n|1|src=1.2.3.4', opts, { line: 4 });
  assert.ok(!r.ok && r.error.code === 'INGEST_BAD_TIME');
  r = parseCefLine('CEF:x|V|P|1|s|n|1|rt=1', opts, { line: 5 });
  assert.ok(!r.ok && r.error.code === 'CEF_BAD_RECORD' && r.error.location?.column === 5);
  r = parseCefLine('no cef here', opts, { line: 6 });
  assert.ok(!r.ok && r.error.code === 'CEF_BAD_RECORD');
});

test('sniff recognises CEF with or without a syslog prefix', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(cefReader.sniff(enc('Sep 19 08:26:10 fw01 CEF:0|a|b|c|d|e|f|\n'), 'x'), true);
  assert.equal(cefReader.sniff(enc('CEF:0|a|b|c|d|e|f|x=1\n'), 'x'), true);
  assert.equal(cefReader.sniff(enc('Sep 19 08:26:10 fw01 sshd[1]: hi\n'), 'x'), false);
});

test('property: random CEF-ish lines never throw; results are events or located errors', () => {
  const piece = fc.constantFrom('CEF:0|', 'CEF:', '|', '\\|', '\\\\', '=', '\\=', ' ', 'rt=', '1695111970000', 'src=', 'a b', 'Sep 19 08:26:10 h ', '<134>');
  fc.assert(fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 40 }).map((a) => a.join('')), (line) => {
    const r = parseCefLine(line, { referenceTime: REF }, { file: 'f', line: 1 });
    if (!r.ok) {
      assert.match(r.error.code, /^(CEF_BAD_RECORD|INGEST_BAD_TIME)$/);
      assert.equal(r.error.location?.line, 1);
    }
  }), { numRuns: 1000 });
});

function pick(f: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.map((k) => [k, f[k]]));
}
