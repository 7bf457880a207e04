import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { syslogReader, parseSyslogLine } from '../../../src/ingest/formats/syslog.ts';
import { collect, errs, oks, REF } from './helpers.ts';

test('RFC 5424: header, NILVALUE, structured data with escapes, BOM in MSG', async () => {
  const results = await collect(syslogReader, { fixture: 'syslog/rfc5424.log' });
  assert.equal(results.length, 7);
  const [a, b, c, d] = oks(results);
  assert.equal(new Date(a.time).toISOString(), '2003-10-11T22:14:15.003Z');
  assert.equal(a.fields.host, 'mymachine.example.com');
  assert.equal(a.fields.program, 'su');
  assert.equal(a.fields.pid, undefined, 'PROCID "-" is absent');
  assert.equal(a.fields.msgid, 'ID47');
  assert.equal(a.fields.facility, 'auth');
  assert.equal(a.fields.severity, 'crit');
  assert.equal(a.fields.message, "'su root' failed for lonvick on /dev/pts/8", 'the BOM is stripped');
  assert.deepEqual(a.logsource, { product: 'linux', service: 'auth' });
  assert.equal(new Date(b.time).toISOString(), '2003-08-24T12:14:15.000Z');
  assert.equal(b.fields.pid, 8710);
  assert.equal(b.fields.facility, 'local4');
  assert.deepEqual(c.fields.structured_data, {
    'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
    'examplePriority@32473': { class: 'high' },
  });
  assert.deepEqual(d.fields.structured_data, { meta: { esc: 'a "quoted" \\ back ] bracket' } });
  assert.equal(d.fields.message, 'msg');
  const bad = errs(results);
  assert.deepEqual(bad.map((e) => [e.code, e.location?.line]), [['SYSLOG_BAD_HEADER', 5], ['INGEST_BAD_TIME', 6], ['SYSLOG_BAD_HEADER', 7]]);
  assert.equal(bad[0].location?.file, 'syslog/rfc5424.log');
  assert.equal(typeof bad[0].location?.offset, 'number');
});

test('auth.log messages: sshd, sudo, su, account tools, logind and cron fill canonical fields', async () => {
  const results = await collect(syslogReader, { fixture: 'syslog/auth.log' });
  const ev = oks(results);
  const by = (needle: string) => {
    const e = ev.find((x) => String(x.fields.message).includes(needle));
    assert.ok(e, needle);
    return e.fields;
  };
  assert.deepEqual(pick(by('Accepted publickey'), ['user', 'src_ip', 'src_port', 'outcome', 'auth_method', 'key_fingerprint']),
    { user: 'deploy', src_ip: '192.0.2.50', src_port: 50122, outcome: 'success', auth_method: 'publickey', key_fingerprint: 'SHA256:abcDEF123' });
  assert.deepEqual(pick(by('Failed keyboard-interactive'), ['user', 'src_ip', 'outcome', 'auth_method', 'invalid_user']),
    { user: 'oracle', src_ip: '2001:db8::7', outcome: 'failure', auth_method: 'keyboard-interactive', invalid_user: true });
  assert.deepEqual(pick(by('maximum authentication attempts'), ['user', 'src_ip', 'action', 'outcome']),
    { user: 'root', src_ip: '198.51.100.3', action: 'max_auth_attempts', outcome: 'failure' });
  assert.deepEqual(pick(by('Disconnected from authenticating'), ['user', 'src_ip', 'src_port', 'action']),
    { user: 'root', src_ip: '198.51.100.3', src_port: 60000, action: 'disconnect' });
  assert.deepEqual(pick(by('Connection closed by invalid'), ['user', 'src_ip', 'invalid_user']), { user: 'admin', src_ip: '198.51.100.4', invalid_user: true });
  assert.deepEqual(pick(by('maps to evil'), ['src_ip', 'rhost', 'action']), { src_ip: '198.51.100.5', rhost: 'evil.example', action: 'break_in_attempt' });
  assert.deepEqual(pick(by('identification string'), ['src_ip', 'src_port', 'action']), { src_ip: '198.51.100.6', src_port: 5555, action: 'no_identification' });
  assert.deepEqual(pick(by('COMMAND=/usr/bin/systemctl'), ['user', 'target_user', 'command', 'outcome', 'tty']),
    { user: 'alice', target_user: 'root', command: '/usr/bin/systemctl restart nginx', outcome: 'success', tty: 'pts/0' });
  assert.deepEqual(pick(by('incorrect password attempts'), ['user', 'outcome', 'count']), { user: 'bob', outcome: 'failure', count: 3 });
  assert.deepEqual(pick(by('pam_unix(sudo:auth)'), ['user', 'outcome', 'src_ip']), { user: 'bob', outcome: 'failure', src_ip: undefined });
  assert.deepEqual(pick(by('FAILED SU'), ['user', 'target_user', 'outcome']), { user: 'bob', target_user: 'root', outcome: 'failure' });
  assert.deepEqual(pick(by('pam_unix(su:session)'), ['user', 'by_user', 'action']), { user: 'root', by_user: 'alice', action: 'session_open' });
  assert.deepEqual(pick(by('new user'), ['target_user', 'target_uid', 'action']), { target_user: 'backdoor', target_uid: '0', action: 'user_add' });
  assert.deepEqual(pick(by("add 'backdoor'"), ['target_user', 'target_group', 'action']), { target_user: 'backdoor', target_group: 'sudo', action: 'group_member_add' });
  assert.deepEqual(pick(by('delete user'), ['target_user', 'action']), { target_user: 'olduser', action: 'user_delete' });
  assert.deepEqual(pick(by('group added'), ['target_group', 'action']), { target_group: 'ops', action: 'group_add' });
  assert.deepEqual(pick(by('New session 42'), ['user', 'session', 'action']), { user: 'alice', session: '42', action: 'session_open' });
  assert.deepEqual(pick(by('backup.sh'), ['user', 'command', 'action']), { user: 'root', command: '/usr/local/bin/backup.sh >/dev/null 2>&1', action: 'cron_command' });
  // Logsources follow SigmaHQ's linux services.
  const ls = (needle: string) => ev.find((x) => String(x.fields.message).includes(needle))?.logsource.service;
  assert.equal(ls('Accepted publickey'), 'sshd');
  assert.equal(ls('COMMAND=/usr/bin'), 'sudo');
  assert.equal(ls('backup.sh'), 'cron');
  assert.equal(ls('new user'), 'auth');
  assert.equal(ls('New session'), 'auth');
  assert.equal(ls('link up'), 'syslog');
  // The blank line is skipped; the header-less line is one located error.
  const bad = errs(results);
  assert.equal(bad.length, 1);
  assert.equal(bad[0].code, 'SYSLOG_BAD_HEADER');
  assert.equal(bad[0].location?.line, 22);
  assert.equal(ev.length, 20);
});

function pick(f: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.map((k) => [k, f[k]]));
}

test('RFC 3164 with PRI, without hostname, with an ISO timestamp, and the old "prog version:" tag', () => {
  const opts = { referenceTime: REF };
  let r = parseSyslogLine('<38>Oct 11 22:14:15 su[99]: BAD SU (to root) mallory on pts/2', opts);
  assert.ok(r.ok);
  assert.equal(r.event.fields.host, undefined);
  assert.equal(r.event.fields.program, 'su');
  assert.equal(r.event.fields.facility, 'auth');
  assert.equal(r.event.fields.user, 'mallory');
  r = parseSyslogLine('2024-05-01T10:00:00.123+02:00 host1 sshd[5]: Invalid user test from 192.0.2.9 port 22', opts);
  assert.ok(r.ok);
  assert.equal(new Date(r.event.time).toISOString(), '2024-05-01T08:00:00.123Z');
  assert.equal(r.event.fields.src_port, 22);
  r = parseSyslogLine('Jun  9 06:06:20 combo syslogd 1.4.1: restart.', opts);
  assert.ok(r.ok);
  assert.equal(r.event.fields.program, 'syslogd');
  assert.equal(r.event.fields.message, 'restart.');
  r = parseSyslogLine('Sep 28 09:08:56 combo last message repeated 2 times', opts);
  assert.ok(r.ok);
  assert.equal(r.event.fields.program, undefined);
  assert.equal(r.event.fields.message, 'last message repeated 2 times');
  r = parseSyslogLine('Feb 30 10:00:00 h p: x', opts, { line: 9 });
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'INGEST_BAD_TIME');
  assert.equal(r.error.location?.line, 9);
  assert.equal(r.error.location?.column, 1);
});

test('listener mode keeps a header-less message whole, stamped with the receive time', () => {
  const r = parseSyslogLine('<13>garbage without a header', { referenceTime: REF, lenient: true, receivedAt: 1234 });
  assert.ok(r.ok);
  assert.equal(r.event.time, 1234);
  assert.equal(r.event.fields.message, 'garbage without a header');
});

test('a line over the limit is one located INGEST_LINE_TOO_LONG error and the next line still parses', async () => {
  const long = 'May  1 10:00:00 h sshd[1]: ' + 'x'.repeat(5000);
  const input = `May  1 09:59:59 h sshd[1]: before\n${long}\nMay  1 10:00:01 h sshd[1]: after\n`;
  for (const chunk of [7, 100, 65536]) {
    const results = await collect(syslogReader, input, { options: { maxLineBytes: 1000 } }, chunk);
    assert.equal(results.length, 3, `chunk ${chunk}`);
    assert.ok(results[0].ok && results[0].event.fields.message === 'before');
    assert.ok(!results[1].ok && results[1].error.code === 'INGEST_LINE_TOO_LONG' && results[1].error.location?.line === 2);
    assert.equal(!results[1].ok && results[1].error.location?.offset, 'May  1 09:59:59 h sshd[1]: before\n'.length);
    assert.ok(results[2].ok && results[2].event.fields.message === 'after');
  }
});

test('sniff: syslog files are recognised, JSON and CSV are not', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(syslogReader.sniff(enc('Dec 10 06:55:46 LabSZ sshd[24200]: hello\nDec 10 06:55:47 LabSZ sshd[24200]: x\n'), 'a.log'), true);
  assert.equal(syslogReader.sniff(enc('<34>1 2003-10-11T22:14:15.003Z host su - ID47 - msg\n'), 'a'), true);
  assert.equal(syslogReader.sniff(enc('{"a":1}\n'), 'a.log'), false);
  assert.equal(syslogReader.sniff(enc('time,user\n2024-01-01,a\n'), 'a.log'), false);
});

test('property: arbitrary lines never throw, and every result is an event or a located error', () => {
  const lineArb = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.tuple(fc.constantFrom('<13>', '<191>', '<0>1 ', '<999>', ''), fc.constantFrom('Dec 10 06:55:46 ', 'Feb 29 00:00:00 ', '2024-05-01T10:00:00Z ', '- '),
      fc.constantFrom('host ', ''), fc.constantFrom('sshd[1]: ', 'sudo: ', 'su(pam_unix)[3]: ', 'x: ', ''),
      fc.constantFrom('Accepted password for ', 'Failed none for invalid user ', 'message repeated 3 times: [ ', 'authentication failure; rhost=', '[a b="\\"] ', 'pam_unix(sshd:auth): '),
      fc.string({ maxLength: 60 })).map((p) => p.join('')),
  );
  fc.assert(fc.property(lineArb, (line) => {
    const r = parseSyslogLine(line, { referenceTime: REF }, { file: 'f', line: 1, offset: 0 });
    if (r.ok) assert.equal(typeof r.event.time, 'number');
    else {
      assert.match(r.error.code, /^(SYSLOG_BAD_HEADER|INGEST_BAD_TIME)$/);
      assert.equal(r.error.location?.line, 1);
    }
  }), { numRuns: 1500 });
});

test('property: random bytes through the reader never throw and every line is accounted for', async () => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 512 }), async (bytes, chunk) => {
    const results = await collect(syslogReader, bytes, { options: { maxLineBytes: 256 } }, chunk);
    const nonBlank = Buffer.from(bytes).toString('utf8').split('\n').filter((l) => l.replace(/\r$/, '').trim() !== '').length;
    assert.equal(results.length, nonBlank);
    for (const r of results) if (!r.ok) assert.ok(r.error.location?.line !== undefined && r.error.location.offset !== undefined);
  }), { numRuns: 150 });
});
