// Event-level conformance vectors written from the Sigma v2.1.0 specification and pySigma 1.5
// semantics (modifier appendix, SigmaString escaping, condition grammar, filters). Each vector is
// (detection, event fields, expected match). Correlation vectors live in test/detect/correlate.
// Backslashes: JavaScript strings below are shown as the YAML value's characters, so '\\*' is the
// two characters \* (an escaped star).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Fields } from '../../../src/core/index.ts';
import { EventView, loadRuleSources } from '../../../src/detect/index.ts';
import type { CompiledRule } from '../../../src/detect/index.ts';

type Det = Record<string, unknown>;
type Vec = [name: string, det: Det, fields: Fields, expect: boolean];

function ruleDoc(det: Det, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ title: 'vector', id: '5f0c3c1e-7a4b-4c47-9d57-0f3c0d1f2a10', logsource: { product: 'test' }, level: 'high', detection: det, ...extra });
}

export function compile(det: Det, placeholders: Record<string, string[]> = {}): CompiledRule {
  const rs = loadRuleSources([{ file: 'vector.yml', text: ruleDoc(det) }], { placeholders });
  if (rs.errors.length) throw rs.errors[0];
  assert.equal(rs.rules.length, 1);
  return rs.rules[0];
}

function run(group: string, vecs: Vec[]): void {
  test(`conformance: ${group} (${vecs.length} vectors)`, () => {
    for (const [name, det, fields, expect] of vecs) {
      const r = compile(det);
      assert.equal(r.test(new EventView(fields)), expect, `${group}: ${name} — ${JSON.stringify(det)} on ${JSON.stringify(fields)}`);
    }
  });
}

const sel = (item: Record<string, unknown>): Det => ({ sel: item, condition: 'sel' });
const v = (name: string, item: Record<string, unknown>, fields: Fields, expect: boolean): Vec => [name, sel(item), fields, expect];

run('plain values and case', [
  v('exact', { F: 'foo' }, { F: 'foo' }, true),
  v('case-insensitive by default', { F: 'foo' }, { F: 'FoO' }, true),
  v('rule upper, event lower', { F: 'FOO' }, { F: 'foo' }, true),
  v('no substring match', { F: 'foo' }, { F: 'foobar' }, false),
  v('no suffix match', { F: 'foo' }, { F: 'xfoo' }, false),
  v('absent field', { F: 'foo' }, { G: 'foo' }, false),
  v('null field never matches a string', { F: 'foo' }, { F: null }, false),
  v('empty value matches empty', { F: '' }, { F: '' }, true),
  v('empty value does not match text', { F: '' }, { F: 'x' }, false),
  v('empty value does not match absent', { F: '' }, {}, false),
  v('empty value does not match null', { F: '' }, { F: null }, false),
  v('unicode case folding', { F: 'ÄRGER' }, { F: 'ärger' }, true),
  v('list is OR (first)', { F: ['a', 'b'] }, { F: 'a' }, true),
  v('list is OR (second)', { F: ['a', 'b'] }, { F: 'B' }, true),
  v('list is OR (none)', { F: ['a', 'b'] }, { F: 'c' }, false),
  v('map is AND (both)', { F: 'a', G: 'b' }, { F: 'a', G: 'b' }, true),
  v('map is AND (one missing)', { F: 'a', G: 'b' }, { F: 'a' }, false),
  v('field names are case-sensitive', { f: 'a' }, { F: 'a' }, false),
  v('array field: any element', { F: 'b' }, { F: ['a', 'b'] }, true),
  v('array field: no element', { F: 'c' }, { F: ['a', 'b'] }, false),
  v('dotted name reaches nested object', { 'a.b': 'x' }, { a: { b: 'x' } }, true),
  v('dotted literal key wins', { 'a.b': 'x' }, { 'a.b': 'x', a: { b: 'y' } }, true),
  v('object value does not match string', { F: 'x' }, { F: { x: 'x' } }, false),
  v('space-free name finds spaced EventData name', { SourceName: 'Real-Time Protection' }, { 'Source Name': 'Real-Time Protection' }, true),
]);

run('wildcards and escaping', [
  v('prefix wildcard', { F: 'foo*' }, { F: 'foobar' }, true),
  v('prefix wildcard miss', { F: 'foo*' }, { F: 'barfoo' }, false),
  v('suffix wildcard', { F: '*foo' }, { F: 'barfoo' }, true),
  v('suffix wildcard miss', { F: '*foo' }, { F: 'foobar' }, false),
  v('both sides', { F: '*foo*' }, { F: 'xFOOx' }, true),
  v('both sides miss', { F: '*foo*' }, { F: 'fo' }, false),
  v('star matches empty', { F: 'foo*' }, { F: 'foo' }, true),
  v('lone star matches any value', { F: '*' }, { F: 'anything' }, true),
  v('lone star matches empty string', { F: '*' }, { F: '' }, true),
  v('lone star does not match absent', { F: '*' }, {}, false),
  v('question mark = one char', { F: 'f?o' }, { F: 'fxo' }, true),
  v('question mark needs a char', { F: 'f?o' }, { F: 'fo' }, false),
  v('question mark only one char', { F: 'f?o' }, { F: 'fxxo' }, false),
  v('question mark matches newline', { F: 'a?b' }, { F: 'a\nb' }, true),
  v('segments in order', { F: 'a*b*c' }, { F: 'aXbYc' }, true),
  v('segments out of order', { F: 'a*b*c' }, { F: 'acb' }, false),
  v('segments adjacent', { F: 'a*b*c' }, { F: 'abc' }, true),
  v('segments may not overlap', { F: 'ab*ba' }, { F: 'aba' }, false),
  v('segments with overlap-free text', { F: 'ab*ba' }, { F: 'abba' }, true),
  v('star and question', { F: '*.e?e' }, { F: 'c:\\cmd.exe' }, true),
  v('regex metachars are literal', { F: 'a.b(c)' }, { F: 'a.b(c)' }, true),
  v('regex metachars are literal (miss)', { F: 'a.b(c)' }, { F: 'axb(c)' }, false),
  v('escaped star is literal', { F: '\\*' }, { F: '*' }, true),
  v('escaped star is not a wildcard', { F: '\\*' }, { F: 'x' }, false),
  v('escaped question mark is literal', { F: '\\?' }, { F: '?' }, true),
  v('escaped question mark is not a wildcard', { F: '\\?' }, { F: 'a' }, false),
  v('\\\\* = backslash then wildcard', { F: '\\\\*' }, { F: '\\abc' }, true),
  v('\\\\* needs the backslash', { F: '\\\\*' }, { F: 'abc' }, false),
  v('\\\\\\* = backslash and literal star', { F: '\\\\\\*' }, { F: '\\*' }, true),
  v('\\\\\\* is not a wildcard', { F: '\\\\\\*' }, { F: '\\x' }, false),
  v('backslash before a letter is literal', { F: 'C:\\Windows\\System32' }, { F: 'c:\\windows\\system32' }, true),
  v('escaped star after path', { F: 'C:\\Windows\\*' }, { F: 'C:\\Windows*' }, true),
  v('escaped star after path is literal', { F: 'C:\\Windows\\*' }, { F: 'C:\\Windows\\System32' }, false),
  v('trailing lone backslash is literal', { F: 'C:\\Windows\\' }, { F: 'C:\\Windows\\' }, true),
  v('\\\\ is one backslash', { F: 'a\\\\b' }, { F: 'a\\b' }, true),
  v('\\\\ is not two backslashes', { F: 'a\\\\b' }, { F: 'a\\\\b' }, false),
  v('\\\\\\\\ is two backslashes', { F: 'a\\\\\\\\b' }, { F: 'a\\\\b' }, true),
  v('single backslash stays one', { F: 'a\\b' }, { F: 'a\\b' }, true),
  v('wildcard after escaped backslash at end', { F: 'dir\\\\*' }, { F: 'dir\\file' }, true),
]);

run('contains / startswith / endswith / all / cased', [
  v('contains', { 'F|contains': 'mid' }, { F: 'aMIDb' }, true),
  v('contains miss', { 'F|contains': 'mid' }, { F: 'mi d' }, false),
  v('contains on empty event value', { 'F|contains': 'x' }, { F: '' }, false),
  v('contains with inner wildcard', { 'F|contains': 'a*c' }, { F: 'xxabcxx' }, true),
  v('startswith', { 'F|startswith': 'pre' }, { F: 'prefix' }, true),
  v('startswith miss', { 'F|startswith': 'pre' }, { F: 'apre' }, false),
  v('endswith', { 'F|endswith': '.exe' }, { F: 'C:\\a.EXE' }, true),
  v('endswith miss', { 'F|endswith': '.exe' }, { F: 'a.exe.txt' }, false),
  v('endswith value with trailing backslash', { 'F|endswith': '\\Temp\\' }, { F: 'C:\\Users\\x\\Temp\\' }, true),
  v('endswith already starred value', { 'F|endswith': '*x' }, { F: 'abx' }, true),
  v('contains list OR', { 'F|contains': ['aa', 'bb'] }, { F: 'xbbx' }, true),
  v('contains|all both present', { 'F|contains|all': ['aa', 'bb'] }, { F: 'bb aa' }, true),
  v('contains|all one missing', { 'F|contains|all': ['aa', 'bb'] }, { F: 'aa' }, false),
  v('all without contains = every exact', { 'F|all': ['a', 'a'] }, { F: 'a' }, true),
  v('all over array elements', { 'F|contains|all': ['a', 'b'] }, { F: ['xa', 'yb'] }, true),
  v('cased exact', { 'F|cased': 'Foo' }, { F: 'Foo' }, true),
  v('cased exact miss', { 'F|cased': 'Foo' }, { F: 'foo' }, false),
  v('contains|cased', { 'F|contains|cased': 'Mid' }, { F: 'aMidb' }, true),
  v('contains|cased miss', { 'F|contains|cased': 'Mid' }, { F: 'amidb' }, false),
  v('startswith number value', { 'F|startswith': 12 }, { F: '12345' }, true),
]);

run('numbers, booleans and coercion', [
  v('number = number', { EventID: 4688 }, { EventID: 4688 }, true),
  v('number = numeric string', { EventID: 4688 }, { EventID: '4688' }, true),
  v('number mismatch', { EventID: 4688 }, { EventID: 4689 }, false),
  v('string rule = number event', { EventID: '4688' }, { EventID: 4688 }, true),
  v('number list', { EventID: [1, 4688] }, { EventID: 4688 }, true),
  v('number is not a substring', { EventID: 46 }, { EventID: 4688 }, false),
  v('zero', { F: 0 }, { F: 0 }, true),
  v('negative', { F: -1 }, { F: '-1' }, true),
  v('hex text stays text', { F: '0x10' }, { F: '0x10' }, true),
  v('bool true = true', { F: true }, { F: true }, true),
  v('bool true = "true"', { F: true }, { F: 'True' }, true),
  v('bool true != false', { F: true }, { F: false }, false),
  v('bool false = false', { F: false }, { F: false }, true),
  v('string "true" = bool', { F: 'true' }, { F: true }, true),
  v('float', { F: 1.5 }, { F: '1.5' }, true),
]);

run('null, exists', [
  v('null matches absent', { F: null }, {}, true),
  v('null matches JSON null', { F: null }, { F: null }, true),
  v('null does not match empty', { F: null }, { F: '' }, false),
  v('null does not match text', { F: null }, { F: 'x' }, false),
  v('exists true, present', { 'F|exists': true }, { F: 'x' }, true),
  v('exists true, empty value', { 'F|exists': true }, { F: '' }, true),
  v('exists true, null value still exists', { 'F|exists': true }, { F: null }, true),
  v('exists true, absent', { 'F|exists': true }, {}, false),
  v('exists false, absent', { 'F|exists': false }, {}, true),
  v('exists false, present', { 'F|exists': false }, { F: 'x' }, false),
  ['null in its own selection with not', { sel: { F: 'a' }, nul: { G: null }, condition: 'sel and not nul' }, { F: 'a', G: 'b' }, true],
  ['null in its own selection with not (absent)', { sel: { F: 'a' }, nul: { G: null }, condition: 'sel and not nul' }, { F: 'a' }, false],
]);

run('re', [
  v('regex search (unanchored)', { 'F|re': 'b.d' }, { F: 'abcde' }, true),
  v('regex is case-sensitive', { 'F|re': 'abc' }, { F: 'ABC' }, false),
  v('re|i', { 'F|re|i': 'abc' }, { F: 'ABC' }, true),
  v('re|ignorecase', { 'F|re|ignorecase': 'abc' }, { F: 'xAbC' }, true),
  v('anchored start', { 'F|re': '^b' }, { F: 'abc' }, false),
  v('anchored start hit', { 'F|re': '^a' }, { F: 'abc' }, true),
  v('anchored end', { 'F|re': 'c$' }, { F: 'abc' }, true),
  v('no multiline by default', { 'F|re': '^b' }, { F: 'a\nb' }, false),
  v('re|m', { 'F|re|m': '^b' }, { F: 'a\nb' }, true),
  v('dot does not match newline', { 'F|re': 'a.b' }, { F: 'a\nb' }, false),
  v('re|s', { 'F|re|s': 'a.b' }, { F: 'a\nb' }, true),
  v('inline (?i)', { 'F|re': '(?i)abc' }, { F: 'ABC' }, true),
  v('alternation', { 'F|re': '^(cmd|powershell)\\.exe$' }, { F: 'powershell.exe' }, true),
  v('alternation miss', { 'F|re': '^(cmd|powershell)\\.exe$' }, { F: 'pwsh.exe' }, false),
  v('quantifier braces', { 'F|re': '^a{2,3}$' }, { F: 'aaa' }, true),
  v('quantifier braces miss', { 'F|re': '^a{2,3}$' }, { F: 'aaaa' }, false),
  v('character class', { 'F|re': '^[0-9a-f]+$' }, { F: 'deadbeef' }, true),
  v('negated class', { 'F|re': '^[^a-z]+$' }, { F: 'abc' }, false),
  v('wildcards are regex chars, not Sigma', { 'F|re': 'a*' }, { F: 'b' }, true),
  v('python named group', { 'F|re': '(?P<x>ab)c' }, { F: 'abc' }, true),
  v('re on number field', { 'F|re': '^46' }, { F: 4688 }, true),
  v('re list OR', { 'F|re': ['^x', '^a'] }, { F: 'abc' }, true),
]);

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64le = (s: string) => Buffer.from(s, 'utf16le').toString('base64');
run('base64, base64offset, utf16', [
  v('base64 exact', { 'F|base64': 'cmd' }, { F: 'Y21k' }, true),
  v('base64 exact miss', { 'F|base64': 'cmd' }, { F: 'Y21kZA==' }, false),
  v('base64|contains', { 'F|base64|contains': 'http://' }, { F: 'x' + b64('http://') + 'y' }, true),
  v('base64offset|contains offset 0', { 'F|base64offset|contains': 'http://' }, { F: b64('http://evil') }, true),
  v('base64offset|contains offset 1', { 'F|base64offset|contains': 'http://' }, { F: b64('xhttp://evil') }, true),
  v('base64offset|contains offset 2', { 'F|base64offset|contains': 'http://' }, { F: b64('xyhttp://evil') }, true),
  v('base64offset|contains offset 3 = 0', { 'F|base64offset|contains': 'http://' }, { F: b64('xyzhttp://evil') }, true),
  v('base64offset|contains unrelated', { 'F|base64offset|contains': 'http://' }, { F: b64('ftp://evil') }, false),
  v('base64offset short value', { 'F|base64offset|contains': 'sh' }, { F: b64('/bin/sh -c') }, true),
  v('wide|base64offset|contains', { 'F|wide|base64offset|contains': 'cmd.exe' }, { F: b64le('run cmd.exe /c') }, true),
  v('wide|base64offset|contains offset 1', { 'F|wide|base64offset|contains': 'cmd.exe' }, { F: b64le('xcmd.exe') }, true),
  v('utf16le|base64offset|contains', { 'F|utf16le|base64offset|contains': 'cmd.exe' }, { F: b64le('ab cmd.exe') }, true),
  v('wide|base64 exact', { 'F|wide|base64': 'cmd' }, { F: b64le('cmd') }, true),
  v('utf16be|base64', { 'F|utf16be|base64': 'cmd' }, { F: Buffer.from([0, 0x63, 0, 0x6d, 0, 0x64]).toString('base64') }, true),
  v('utf16|base64 (BOM + LE)', { 'F|utf16|base64': 'cmd' }, { F: Buffer.from([0xff, 0xfe, 0x63, 0, 0x6d, 0, 0x64, 0]).toString('base64') }, true),
  v('utf16le without base64 = NUL-interleaved text', { 'F|utf16le|contains': 'ab' }, { F: 'xa\u0000b\u0000y' }, true),
  v('base64 of UTF-8 text', { 'F|base64': 'é' }, { F: b64('é') }, true),
]);

run('windash', [
  v('dash variant -', { 'F|contains|windash': ' -enc ' }, { F: 'powershell -enc AAA' }, true),
  v('dash variant /', { 'F|contains|windash': ' -enc ' }, { F: 'powershell /enc AAA' }, true),
  v('dash variant en dash', { 'F|contains|windash': ' -enc ' }, { F: 'powershell \u2013enc AAA' }, true),
  v('dash variant em dash', { 'F|contains|windash': ' -enc ' }, { F: 'powershell \u2014enc AAA' }, true),
  v('dash variant horizontal bar', { 'F|contains|windash': ' -enc ' }, { F: 'powershell \u2015enc AAA' }, true),
  v('other char is not a dash', { 'F|contains|windash': ' -enc ' }, { F: 'powershell +enc AAA' }, false),
  v('slash in value varies too', { 'F|contains|windash': '/c ' }, { F: 'cmd -c dir' }, true),
  v('mid-word dash is kept', { 'F|contains|windash': 'a-b' }, { F: 'a/b' }, false),
  v('mid-word dash exact', { 'F|contains|windash': 'a-b' }, { F: 'a-b' }, true),
  v('two flags vary independently', { 'F|contains|windash': ' -a -b' }, { F: 'x /a \u2013b' }, true),
  v('only the first dash of -param-1 varies', { 'F|contains|windash': '-param-1' }, { F: '/param/1' }, false),
  v('only the first dash of -param-1 varies (hit)', { 'F|contains|windash': '-param-1' }, { F: '/param-1' }, true),
]);

run('cidr', [
  v('IPv4 inside', { 'IP|cidr': '10.0.0.0/8' }, { IP: '10.1.2.3' }, true),
  v('IPv4 outside', { 'IP|cidr': '10.0.0.0/8' }, { IP: '11.0.0.1' }, false),
  v('IPv4 /32', { 'IP|cidr': '192.168.1.5/32' }, { IP: '192.168.1.5' }, true),
  v('IPv4 /32 other', { 'IP|cidr': '192.168.1.5/32' }, { IP: '192.168.1.6' }, false),
  v('IPv4 /0', { 'IP|cidr': '0.0.0.0/0' }, { IP: '8.8.8.8' }, true),
  v('IPv4 odd prefix /23', { 'IP|cidr': '172.16.2.0/23' }, { IP: '172.16.3.200' }, true),
  v('IPv4 odd prefix /23 outside', { 'IP|cidr': '172.16.2.0/23' }, { IP: '172.16.4.1' }, false),
  v('IPv4-mapped IPv6 event', { 'IP|cidr': '10.0.0.0/8' }, { IP: '::ffff:10.0.0.1' }, true),
  v('not an address', { 'IP|cidr': '10.0.0.0/8' }, { IP: 'host10' }, false),
  v('IPv6 inside', { 'IP|cidr': '2001:db8::/32' }, { IP: '2001:db8::1' }, true),
  v('IPv6 outside', { 'IP|cidr': '2001:db8::/32' }, { IP: '2001:db9::1' }, false),
  v('IPv6 loopback /128', { 'IP|cidr': '::1/128' }, { IP: '::1' }, true),
  v('IPv6 link-local', { 'IP|cidr': 'fe80::/10' }, { IP: 'FE80::1234:5678' }, true),
  v('IPv4 net does not match IPv6 event', { 'IP|cidr': '10.0.0.0/8' }, { IP: '2001:db8::1' }, false),
  v('cidr list OR', { 'IP|cidr': ['10.0.0.0/8', '192.168.0.0/16'] }, { IP: '192.168.9.9' }, true),
]);

run('fieldref', [
  v('equal fields', { 'A|fieldref': 'B' }, { A: 'x', B: 'x' }, true),
  v('equal ignoring case', { 'A|fieldref': 'B' }, { A: 'X', B: 'x' }, true),
  v('different', { 'A|fieldref': 'B' }, { A: 'x', B: 'y' }, false),
  v('referenced field absent', { 'A|fieldref': 'B' }, { A: 'x' }, false),
  v('fieldref|contains', { 'A|fieldref|contains': 'B' }, { A: 'xyz', B: 'y' }, true),
  v('fieldref|contains miss', { 'A|fieldref|contains': 'B' }, { A: 'xyz', B: 'q' }, false),
  v('fieldref|startswith', { 'A|fieldref|startswith': 'B' }, { A: 'xyz', B: 'xy' }, true),
  v('fieldref|endswith', { 'A|fieldref|endswith': 'B' }, { A: 'xyz', B: 'yz' }, true),
  v('fieldref|endswith miss', { 'A|fieldref|endswith': 'B' }, { A: 'xyz', B: 'xy' }, false),
  v('fieldref numbers', { 'A|fieldref': 'B' }, { A: 5, B: '5' }, true),
  v('fieldref|cased', { 'A|fieldref|cased': 'B' }, { A: 'X', B: 'x' }, false),
]);

run('comparisons and neq', [
  v('gt', { 'N|gt': 5 }, { N: 6 }, true),
  v('gt equal', { 'N|gt': 5 }, { N: 5 }, false),
  v('gte equal', { 'N|gte': 5 }, { N: '5' }, true),
  v('lt', { 'N|lt': 5 }, { N: 4.5 }, true),
  v('lt miss', { 'N|lt': 5 }, { N: 50 }, false),
  v('lte equal', { 'N|lte': 5 }, { N: 5 }, true),
  v('numeric string operand', { 'N|gt': '10' }, { N: '11' }, true),
  v('non-numeric event value', { 'N|gt': 5 }, { N: 'abc' }, false),
  v('absent', { 'N|gt': 5 }, {}, false),
  v('range by two items', { 'N|gte': 10, 'N|lt': 20 } as Record<string, unknown>, { N: 15 }, true),
  v('negative numbers', { 'N|lt': 0 }, { N: -3 }, true),
  v('neq different', { 'F|neq': 'x' }, { F: 'y' }, true),
  v('neq same', { 'F|neq': 'x' }, { F: 'X' }, false),
  v('neq absent (negated item, pySigma)', { 'F|neq': 'x' }, {}, true),
  v('neq list: none of', { 'F|neq': ['a', 'b'] }, { F: 'c' }, true),
  v('neq list: one of', { 'F|neq': ['a', 'b'] }, { F: 'b' }, false),
  v('neq with contains', { 'F|contains|neq': 'bad' }, { F: 'goodstuff' }, true),
  v('neq with contains hit', { 'F|contains|neq': 'bad' }, { F: 'so bad' }, false),
]);

run('time-part modifiers', [
  v('hour', { 'T|hour': 3 }, { T: '2024-01-02T03:04:05Z' }, true),
  v('hour miss', { 'T|hour': 4 }, { T: '2024-01-02T03:04:05Z' }, false),
  v('minute', { 'T|minute': 4 }, { T: '2024-01-02T03:04:05Z' }, true),
  v('day', { 'T|day': 2 }, { T: '2024-01-02T03:04:05Z' }, true),
  v('month', { 'T|month': 1 }, { T: '2024-01-02T03:04:05Z' }, true),
  v('year', { 'T|year': 2024 }, { T: '2024-01-02T03:04:05Z' }, true),
  v('ISO week', { 'T|week': 1 }, { T: '2024-01-02T03:04:05Z' }, true),
  v('ISO week 53', { 'T|week': 53 }, { T: '2020-12-31T00:00:00Z' }, true),
  v('zone offset converted to UTC', { 'T|hour': 1 }, { T: '2024-01-02T03:04:05+02:00' }, true),
  v('space separated, no zone = UTC', { 'T|hour': 3 }, { T: '2024-01-02 03:04:05.123' }, true),
  v('epoch milliseconds', { 'T|year': 2024 }, { T: Date.UTC(2024, 5, 1) }, true),
  v('hour|gte', { 'T|hour|gte': 20 }, { T: '2024-01-02T22:00:00Z' }, true),
  v('hour|gte miss', { 'T|hour|gte': 20 }, { T: '2024-01-02T08:00:00Z' }, false),
  v('not a date', { 'T|hour': 3 }, { T: 'yesterday' }, false),
  v('hour list', { 'T|hour': [1, 2, 3] }, { T: '2024-01-02T02:59:00Z' }, true),
]);

run('keywords (field-less)', [
  ['keyword substring of any value', { kw: ['evil'], condition: 'kw' }, { a: 'x', b: 'very EVIL thing' }, true],
  ['keyword not present', { kw: ['evil'], condition: 'kw' }, { a: 'good' }, false],
  ['keyword list OR', { kw: ['evil', 'bad'], condition: 'kw' }, { a: 'bad day' }, true],
  ['keyword with wildcard', { kw: ['rm *-rf'], condition: 'kw' }, { msg: 'sudo rm -rf /' }, true],
  ['keyword with question mark', { kw: ['a?c'], condition: 'kw' }, { msg: 'xxabcxx' }, true],
  ['keyword number searches text', { kw: [4625], condition: 'kw' }, { EventID: 4625 }, true],
  ['keyword searches nested values', { kw: ['deep'], condition: 'kw' }, { a: { b: ['x', 'deep value'] } }, true],
  ['keyword scalar identifier', { kw: 'evil', condition: 'kw' }, { a: 'evil' }, true],
  ['keyword |all: every keyword', { kw: { '|all': ['alpha', 'beta'] }, condition: 'kw' }, { a: 'alpha', b: 'beta' }, true],
  ['keyword |all: one missing', { kw: { '|all': ['alpha', 'beta'] }, condition: 'kw' }, { a: 'alpha' }, false],
  ['keyword |contains key', { kw: { '|contains': 'mid' }, condition: 'kw' }, { a: 'xmidx' }, true],
  ['keyword and selection', { kw: ['evil'], sel: { F: 'a' }, condition: 'kw and sel' }, { F: 'a', m: 'evil' }, true],
  ['keyword with escaped star', { kw: ['a\\*b'], condition: 'kw' }, { m: 'xa*bx' }, true],
  ['keyword with escaped star miss', { kw: ['a\\*b'], condition: 'kw' }, { m: 'xaZbx' }, false],
]);

const s3: Det = { sel1: { A: 'a' }, sel2: { B: 'b' }, sel3: { C: 'c' } };
run('conditions', [
  ['and binds tighter than or (a)', { ...s3, condition: 'sel1 or sel2 and sel3' }, { A: 'a' }, true],
  ['and binds tighter than or (b only)', { ...s3, condition: 'sel1 or sel2 and sel3' }, { B: 'b' }, false],
  ['and binds tighter than or (b and c)', { ...s3, condition: 'sel1 or sel2 and sel3' }, { B: 'b', C: 'c' }, true],
  ['parentheses', { ...s3, condition: '(sel1 or sel2) and sel3' }, { A: 'a' }, false],
  ['parentheses hit', { ...s3, condition: '(sel1 or sel2) and sel3' }, { A: 'a', C: 'c' }, true],
  ['not binds tighter than and', { ...s3, condition: 'not sel1 and sel2' }, { B: 'b' }, true],
  ['not binds tighter than and (miss)', { ...s3, condition: 'not sel1 and sel2' }, { A: 'a', B: 'b' }, false],
  ['not of parentheses', { ...s3, condition: 'not (sel1 or sel2)' }, { C: 'c' }, true],
  ['double not', { ...s3, condition: 'not not sel1' }, { A: 'a' }, true],
  ['1 of pattern', { ...s3, condition: '1 of sel*' }, { C: 'c' }, true],
  ['1 of pattern none', { ...s3, condition: '1 of sel*' }, { D: 'd' }, false],
  ['any of pattern', { ...s3, condition: 'any of sel*' }, { B: 'b' }, true],
  ['all of pattern', { ...s3, condition: 'all of sel*' }, { A: 'a', B: 'b', C: 'c' }, true],
  ['all of pattern partial', { ...s3, condition: 'all of sel*' }, { A: 'a', B: 'b' }, false],
  ['wildcard in the middle of a pattern', { sel_a_x: { A: 'a' }, sel_b_x: { B: 'b' }, other: { C: 'c' }, condition: 'all of sel_*_x' }, { A: 'a', B: 'b' }, true],
  ['1 of them', { ...s3, condition: '1 of them' }, { B: 'b' }, true],
  ['all of them', { ...s3, condition: 'all of them' }, { A: 'a', B: 'b', C: 'c' }, true],
  ['all of them ignores _ identifiers', { sel1: { A: 'a' }, _hidden: { Z: 'z' }, condition: 'all of them' }, { A: 'a' }, true],
  ['1 of them ignores _ identifiers', { sel1: { A: 'a' }, _hidden: { Z: 'z' }, condition: '1 of them' }, { Z: 'z' }, false],
  ['_ identifier reachable by name', { sel1: { A: 'a' }, _hidden: { Z: 'z' }, condition: 'sel1 and _hidden' }, { A: 'a', Z: 'z' }, true],
  ['filter pattern with not', { selection: { A: 'a' }, filter_1: { B: 'b' }, filter_2: { C: 'c' }, condition: 'selection and not 1 of filter_*' }, { A: 'a', C: 'c' }, false],
  ['filter pattern with not (clean)', { selection: { A: 'a' }, filter_1: { B: 'b' }, filter_2: { C: 'c' }, condition: 'selection and not 1 of filter_*' }, { A: 'a' }, true],
  ['condition list is OR', { ...s3, condition: ['sel1', 'sel3'] }, { C: 'c' }, true],
  ['condition list is OR (miss)', { ...s3, condition: ['sel1', 'sel3'] }, { B: 'b' }, false],
  ['identifier with dash', { 'sel-1': { A: 'a' }, condition: 'sel-1' }, { A: 'a' }, true],
  ['list of maps is OR of ANDs', { sel: [{ A: 'a', B: 'b' }, { C: 'c' }], condition: 'sel' }, { A: 'a', C: 'x' }, false],
  ['list of maps is OR of ANDs (second)', { sel: [{ A: 'a', B: 'b' }, { C: 'c' }], condition: 'sel' }, { C: 'c' }, true],
  ['extra whitespace and newlines', { ...s3, condition: '  sel1\n   and\tsel2 ' }, { A: 'a', B: 'b' }, true],
]);

// ------------------------------------------------------------------------------------------------
// Filters (pySigma semantics: rule condition AND filter condition, filter selections private).

function filtered(filterDoc: Record<string, unknown>, fields: Fields): boolean {
  const rule = ruleDoc({ selection: { A: 'a' }, condition: 'selection' }, { name: 'base_rule', logsource: { product: 'windows', category: 'process_creation' } });
  const rs = loadRuleSources([{ file: 'rule.yml', text: rule }, { file: 'filter.yml', text: JSON.stringify(filterDoc) }]);
  assert.deepEqual(rs.errors, []);
  return rs.rules[0].test(new EventView(fields));
}

test('conformance: filters (8 vectors)', () => {
  const base = { title: 'f', logsource: { product: 'windows' } };
  const byId = { ...base, filter: { rules: ['5f0c3c1e-7a4b-4c47-9d57-0f3c0d1f2a10'], sel: { B: 'dc1' }, condition: 'not sel' } };
  assert.equal(filtered(byId, { A: 'a', B: 'dc1' }), false, 'exclusion filter removes the match');
  assert.equal(filtered(byId, { A: 'a', B: 'ws1' }), true, 'exclusion filter keeps other matches');
  const byName = { ...base, filter: { rules: ['base_rule'], sel: { B: 'dc1' }, condition: 'not sel' } };
  assert.equal(filtered(byName, { A: 'a', B: 'dc1' }), false, 'filter by rule name');
  const restrict = { ...base, filter: { rules: 'any', sel: { B: 'dc1' }, condition: 'sel' } };
  assert.equal(filtered(restrict, { A: 'a', B: 'ws1' }), false, '`condition: sel` restricts (pySigma)');
  assert.equal(filtered(restrict, { A: 'a', B: 'dc1' }), true, '`condition: sel` keeps the selected');
  const otherRule = { ...base, filter: { rules: ['0b8b1e8c-1111-4c47-9d57-0f3c0d1f2a10'], sel: { B: 'dc1' }, condition: 'not sel' } };
  assert.equal(filtered(otherRule, { A: 'a', B: 'dc1' }), true, 'filter for another rule does not apply');
  const otherLs = { title: 'f', logsource: { product: 'linux' }, filter: { rules: [], sel: { B: 'dc1' }, condition: 'not sel' } };
  assert.equal(filtered(otherLs, { A: 'a', B: 'dc1' }), true, 'filter for another logsource does not apply');
  const sameNames = { ...base, filter: { rules: [], selection: { B: 'dc1' }, condition: 'not selection' } };
  assert.equal(filtered(sameNames, { A: 'a', B: 'x' }), true, 'filter identifiers do not clash with rule identifiers');
});

// ------------------------------------------------------------------------------------------------
// expand placeholders

test('conformance: expand (5 vectors)', () => {
  const r = compile({ sel: { 'Computer|expand': '%DomainControllers%' }, condition: 'sel' }, { DomainControllers: ['dc1', 'dc2*'] });
  assert.equal(r.test(new EventView({ Computer: 'DC1' })), true);
  assert.equal(r.test(new EventView({ Computer: 'dc2.corp' })), true, 'placeholder values keep their wildcards');
  assert.equal(r.test(new EventView({ Computer: 'ws1' })), false);
  const c = compile({ sel: { 'F|contains|expand': 'x%A%y' }, condition: 'sel' }, { A: ['1', '2'] });
  assert.equal(c.test(new EventView({ F: '--x2y--' })), true, 'expand after contains, text around the placeholder');
  const lit = compile({ sel: { F: '%NotAPlaceholder%' }, condition: 'sel' });
  assert.equal(lit.test(new EventView({ F: '%notaplaceholder%' })), true, 'without |expand, % is literal');
});
