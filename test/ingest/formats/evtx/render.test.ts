// The JSON layout rules on small trees, and an XML round trip: render a record's tree as XML, read it
// back with the Event XML tokenizer, and get the same JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { recordJson, recordXml, type XChild, type XElement } from '../../../../src/ingest/formats/evtx/index.ts';
import { parseXml, XmlError } from '../../../../src/ingest/formats/winevent/xml.ts';

const el = (name: string, attrs: [string, string][], ...children: XChild[]): XElement => ({ name, attrs, children });
const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

test('layout: empty elements, attributes, named and unnamed Data, duplicates, System numbers', () => {
  const tree = [el('Event', [['xmlns', NS]],
    el('System', [],
      el('EventID', [['Qualifiers', '16384']], '7036'),
      el('Level', [], '4'),
      el('TimeCreated', [['SystemTime', '2020-09-23 16:57:41.372629']]),
      el('Correlation', [['ActivityID', '']]),
      el('Execution', [['ProcessID', '580'], ['ThreadID', '6460']]),
      el('Provider', [['Guid', '{555908d1-a6d7-4695-8e1e-26931d2012f4}']])),
    el('EventData', [],
      el('Data', [['Name', 'param1']], 'Windows Error Reporting Service'),
      el('Data', [['Name', 'empty']]),
      el('Data', [], 'first'),
      el('Data', [], 'second'),
      el('Binary', []),
      el('Extra', [], 'a'),
      el('Extra', [], 'b')))];
  assert.deepEqual(recordJson(tree), { Event: {
    '#attributes': { xmlns: NS },
    System: {
      EventID: { '#attributes': { Qualifiers: '16384' }, '#text': 7036 },
      Level: 4,
      TimeCreated: { '#attributes': { SystemTime: '2020-09-23T16:57:41.372629Z' } },
      Correlation: null,
      Execution: { '#attributes': { ProcessID: 580, ThreadID: 6460 } },
      Provider: { '#attributes': { Guid: '555908D1-A6D7-4695-8E1E-26931D2012F4' } },
    },
    EventData: { param1: 'Windows Error Reporting Service', empty: '', Binary: null, Extra: 'a', Extra_1: 'b', Data: { '#text': ['first', 'second'] } },
  } });
});

const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '<', '>', '&', '"', "'", '\\', '\r\n', '\t', 'é', '中', '0x1F', '{', '}') , maxLength: 30 });

test('property: XML rendering read back by the Event XML tokenizer gives the same JSON', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/), text), { maxLength: 6 }), text, (data, computer) => {
    const tree = [el('Event', [['xmlns', NS]],
      el('System', [], el('EventID', [], '1'), el('Computer', [], computer.trim() === '' ? 'host' : computer)),
      el('EventData', [], ...data.map(([k, v]) => el('Data', [['Name', k]], ...(v.trim() === '' ? [] : [v])))))];
    assert.deepEqual(recordJson(parseXml(recordXml(tree))), recordJson(tree));
  }), { numRuns: 200 });
});

test('the XML tokenizer refuses malformed input with an offset and never expands entities it does not know', () => {
  assert.throws(() => parseXml('<Event><System></Event>'), (e: unknown) => e instanceof XmlError && e.offset > 0);
  assert.throws(() => parseXml('<Event><!-- open'), XmlError);
  const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
  assert.throws(() => parseXml(deep), /nested too deeply/);
  const nodes = parseXml('<!DOCTYPE x [<!ENTITY boom "aaaa">]><Event><Data Name="x">&boom;&lt;&#x41;</Data></Event>');
  assert.deepEqual(recordJson(nodes), { Event: { x: '&boom;<A' } });
  assert.equal(nodes.length, 1, 'the internal subset is skipped whole');
});
