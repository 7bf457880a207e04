// Windows exports: the same event through Event XML, evtx_dump JSON(L), Winlogbeat, NXLog and the
// binary reader must give the same Sigma fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import type { Fields } from '../../../src/core/index.ts';
import { evtxReader, winEventReader, flattenEvtxJson } from '../../../src/ingest/formats/winevent.ts';
import { detectFormat } from '../../../src/ingest/formats/index.ts';
import type { ByteSource, FormatReader, ParseResult } from '../../../src/ingest/formats/types.ts';
import { readEvtx, recordXml } from '../../../src/ingest/formats/evtx/index.ts';
import { sharedData } from '../../helpers/data.ts';

const SAMPLE = sharedData('evtx_attack_samples', 'Credential Access', 'CA_4624_4625_LogonType2_LogonProc_chrome.evtx');

async function collect(reader: FormatReader, input: ByteSource, file = 'x'): Promise<ParseResult[]> {
  const out: ParseResult[] = [];
  for await (const r of reader.read(input, { file })) out.push(r);
  return out;
}
const bytes = (s: string | Uint8Array): ByteSource => (async function* () { yield typeof s === 'string' ? new TextEncoder().encode(s) : s; })();
const fieldsOf = (rs: ParseResult[]): Fields[] => rs.map((r) => { assert.ok(r.ok, r.ok ? '' : r.error.format()); return r.event.fields; });

test('Event XML (wevtutil / ToXml) gives the same fields as the binary file', async () => {
  const bin = fieldsOf(await collect(evtxReader, createReadStream(SAMPLE)));
  assert.ok(bin.length > 3);
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n';
  for await (const it of readEvtx(createReadStream(SAMPLE), SAMPLE)) if (it.ok) xml += recordXml(it.record.nodes) + '\n';
  xml += '</Events>\n';
  assert.deepEqual(fieldsOf(await collect(winEventReader, bytes(xml))), bin);
  // PowerShell writes UTF-16LE with a BOM by default.
  const u16 = new Uint8Array(2 + xml.length * 2);
  u16[0] = 0xff; u16[1] = 0xfe;
  for (let i = 0; i < xml.length; i++) { u16[2 + 2 * i] = xml.charCodeAt(i) & 0xff; u16[3 + 2 * i] = xml.charCodeAt(i) >> 8; }
  assert.equal(detectFormat(u16, 'events.xml')?.name, 'winevent');
  assert.deepEqual(fieldsOf(await collect(winEventReader, bytes(u16))), bin);
});

test('evtx_dump JSONL and concatenated pretty JSON give the same fields as the binary file', async () => {
  const bin = fieldsOf(await collect(evtxReader, createReadStream(SAMPLE)));
  const jsonl = readFileSync(SAMPLE.replace(/\.evtx$/, '.jsonl'), 'utf8');
  assert.equal(detectFormat(new TextEncoder().encode(jsonl.slice(0, 4096)), 'x.jsonl')?.name, 'winevent');
  assert.deepEqual(fieldsOf(await collect(winEventReader, bytes(jsonl))), bin);
  const pretty = jsonl.split('\n').filter(Boolean).map((l) => JSON.stringify(JSON.parse(l), null, 2)).join('\n');
  assert.deepEqual(fieldsOf(await collect(winEventReader, bytes(pretty))), bin);
});

const XML_4688 = `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-A5BA-3E3B0328C30D}'/><EventID>4688</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2024-03-01T10:15:30.1234567Z'/><EventRecordID>4711</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='88'/><Channel>Security</Channel><Computer>BILL-WS01.lonestar.local</Computer><Security/></System><EventData><Data Name='SubjectUserName'>jdoe</Data><Data Name='NewProcessName'>C:\\Windows\\System32\\cmd.exe</Data><Data Name='CommandLine'>cmd.exe /c whoami &amp;&amp; net user</Data><Data Name='ParentProcessName'>C:\\Windows\\explorer.exe</Data></EventData><RenderingInfo Culture='en-US'><Message>A new process has been created.</Message></RenderingInfo></Event>`;

const WINLOGBEAT_4688 = JSON.stringify({
  '@timestamp': '2024-03-01T10:15:30.123Z',
  event: { code: '4688', provider: 'Microsoft-Windows-Security-Auditing' },
  host: { name: 'BILL-WS01.lonestar.local' },
  winlog: {
    channel: 'Security', event_id: '4688', provider_name: 'Microsoft-Windows-Security-Auditing',
    provider_guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', computer_name: 'BILL-WS01.lonestar.local', record_id: 4711,
    process: { pid: 4, thread: { id: 88 } },
    event_data: { SubjectUserName: 'jdoe', NewProcessName: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c whoami && net user', ParentProcessName: 'C:\\Windows\\explorer.exe' },
  },
  message: 'A new process has been created.',
});

const NXLOG_4688 = JSON.stringify({
  EventTime: '2024-03-01 10:15:30', Hostname: 'BILL-WS01.lonestar.local', Keywords: '-9214364837600034816', EventType: 'AUDIT_SUCCESS',
  SeverityValue: 2, Severity: 'INFO', EventID: 4688, SourceName: 'Microsoft-Windows-Security-Auditing',
  ProviderGuid: '{54849625-5478-4994-A5BA-3E3B0328C30D}', Version: 2, Task: 13312, OpcodeValue: 0, RecordNumber: 4711,
  ProcessID: 4, ThreadID: 88, Channel: 'Security', Message: 'A new process has been created.',
  SubjectUserName: 'jdoe', NewProcessName: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd.exe /c whoami && net user',
  ParentProcessName: 'C:\\Windows\\explorer.exe', EventReceivedTime: '2024-03-01 10:15:31', SourceModuleName: 'eventlog', SourceModuleType: 'im_msvistalog',
});

test('one 4688 event as Event XML, Winlogbeat and NXLog normalises to the same Sigma fields', async () => {
  const shapes = [
    ['xml', XML_4688],
    ['winlogbeat', WINLOGBEAT_4688 + '\n'],
    ['nxlog', NXLOG_4688 + '\n'],
  ] as const;
  for (const [name, text] of shapes) {
    assert.equal(detectFormat(new TextEncoder().encode(text), `${name}.log`)?.name, 'winevent', `${name} is sniffed as winevent`);
    const [r] = await collect(winEventReader, bytes(text));
    assert.ok(r.ok, name);
    const f = r.event.fields;
    assert.equal(f.EventID, 4688, name);
    assert.equal(f.Channel, 'Security', name);
    assert.equal(f.Provider_Name, 'Microsoft-Windows-Security-Auditing', name);
    assert.equal(f.Provider_Guid, '54849625-5478-4994-A5BA-3E3B0328C30D', name);
    assert.equal(f.Computer, 'BILL-WS01.lonestar.local', name);
    assert.equal(f.EventRecordID, 4711, name);
    assert.equal(f.Execution_ProcessID, 4, name);
    assert.equal(f.NewProcessName, 'C:\\Windows\\System32\\cmd.exe', name);
    assert.equal(f.CommandLine, 'cmd.exe /c whoami && net user', name);
    assert.equal(f.SubjectUserName, 'jdoe', name);
    assert.equal(f.user, 'jdoe', name);
    assert.equal(f.host, 'BILL-WS01.lonestar.local', name);
    assert.deepEqual(r.event.logsource, { product: 'windows', service: 'security', category: 'process_creation' }, name);
    assert.equal(new Date(r.event.time).toISOString().slice(0, 19), '2024-03-01T10:15:30', name);
    for (const meta of ['SourceModuleName', 'EventReceivedTime', 'winlog', 'RenderingInfo']) assert.equal(f[meta], undefined, `${name}: no ${meta}`);
  }
});

test('qualified EventIDs, unnamed Data and UserData flatten to fields', () => {
  const f = flattenEvtxJson({ Event: {
    System: { EventID: { '#attributes': { Qualifiers: '16384' }, '#text': 7036 }, Channel: 'System', Provider: { '#attributes': { Name: 'Service Control Manager' } } },
    EventData: { Data: { '#text': ['one', 'two'] }, Binary: null },
    UserData: { LogFileCleared: { SubjectUserName: 'admin', Channel: 'Security' } },
  } });
  assert.equal(f.EventID, 7036);
  assert.equal(f.Qualifiers, 16384);
  assert.deepEqual(f.Data, ['one', 'two']);
  assert.equal(f.Binary, null);
  assert.equal(f.SubjectUserName, 'admin');
  assert.equal(f.Channel, 'System');
  assert.equal(f.LogFileCleared_Channel, 'Security');
});

test('a broken record between good ones is reported with its location and the others are kept', async () => {
  const xml = `${XML_4688}\n<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</Oops></System></Event>\n${XML_4688}`;
  const rs = await collect(winEventReader, bytes(xml), 'bad.xml');
  assert.equal(rs.length, 3);
  assert.ok(rs[0].ok && rs[2].ok);
  assert.ok(!rs[1].ok);
  assert.equal(!rs[1].ok && rs[1].error.code, 'WINEVENT_BAD_RECORD');
  assert.equal(!rs[1].ok && rs[1].error.location?.file, 'bad.xml');
  assert.ok(!rs[1].ok && typeof rs[1].error.location?.offset === 'number' && rs[1].error.location.offset > XML_4688.length);
  const json = `${WINLOGBEAT_4688}\n{"winlog": {"event_id": 1, "channel": \n${NXLOG_4688}\n{"hello": "world"}\n`;
  const js = await collect(winEventReader, bytes(json), 'bad.json');
  assert.ok(js.filter((r) => r.ok).length === 2, 'two good records kept');
  assert.ok(js.filter((r) => !r.ok).length >= 2, 'the truncated and the foreign record are reported');
  for (const r of js) if (!r.ok) assert.equal(r.error.location?.file, 'bad.json');
});

test('sniffing: binary evtx, gzip by name, and foreign inputs', () => {
  const head = readFileSync(SAMPLE).subarray(0, 4096);
  assert.equal(detectFormat(head, 'a.evtx')?.name, 'evtx');
  assert.ok(evtxReader.sniff(Uint8Array.from([0x1f, 0x8b, 8, 0]), 'Security.evtx.gz'));
  assert.ok(!evtxReader.sniff(Uint8Array.from([0x1f, 0x8b, 8, 0]), 'syslog.gz'));
  assert.ok(!winEventReader.sniff(new TextEncoder().encode('{"user":"a","action":"login"}\n'), 'x.jsonl'));
  assert.ok(!winEventReader.sniff(new TextEncoder().encode('<html><body>hi</body></html>'), 'x.html'));
});
