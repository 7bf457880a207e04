// One logsource table for parsers and router: what ingest/ labels an event with is what detect/
// routes it by (they used to keep two tables, which disagreed on PowerShell classic 600 and 800).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClaimGuardError, loadDefaultMapping, parseMapping } from '../../src/core/index.ts';
import { windowsLogsource } from '../../src/ingest/logsource.ts';
import { parse as parseYaml } from 'yaml';

const shipped = parseYaml(readFileSync(new URL('../../src/core/logsources.yaml', import.meta.url), 'utf8')) as {
  windows: { channels: Record<string, string>; events: { service: string; eventIds: (number | string)[]; categories: string[] }[] };
};

test('every shipped channel labels its events with its service, whatever the case of the channel name', () => {
  const channels = Object.entries(shipped.windows.channels);
  assert.ok(channels.length > 40, `${channels.length} channels`);
  for (const [channel, service] of channels) {
    assert.equal(windowsLogsource(channel, 1).service, service, channel);
    assert.equal(windowsLogsource(channel.toUpperCase(), 1).service, service, channel.toUpperCase());
  }
});

test('parsers label an event with the first category the router gives it, for every EventID row', () => {
  const m = loadDefaultMapping();
  const channelOf = new Map(Object.entries(shipped.windows.channels).map(([c, s]) => [s, c]));
  let rows = 0;
  for (const row of shipped.windows.events) {
    const channel = channelOf.get(row.service);
    assert.ok(channel, `a channel for service ${row.service}`);
    for (const id of row.eventIds) {
      const ls = windowsLogsource(channel, Number(id));
      const cls = m.classify({ logsource: {}, fields: { Channel: channel, EventID: Number(id) } });
      assert.equal(ls.category, cls.categories[0], `${channel} ${id}`);
      assert.equal(ls.category, row.categories[0], `${channel} ${id}`);
      rows++;
    }
  }
  assert.ok(rows > 40, `${rows} EventIDs`);
});

test('the categories SigmaHQ names for Sysmon, Security 4688 and PowerShell classic', () => {
  const sysmon = 'Microsoft-Windows-Sysmon/Operational';
  assert.deepEqual(windowsLogsource(sysmon, 1), { product: 'windows', service: 'sysmon', category: 'process_creation' });
  assert.equal(windowsLogsource(sysmon, 13).category, 'registry_set');
  assert.deepEqual(windowsLogsource('Security', 4688), { product: 'windows', service: 'security', category: 'process_creation' });
  assert.deepEqual(windowsLogsource('Security', 4624), { product: 'windows', service: 'security' });
  assert.equal(windowsLogsource('Windows PowerShell', 600).category, 'ps_classic_provider_start');
  assert.equal(windowsLogsource('Windows PowerShell', 800).category, 'ps_classic_script');
  assert.deepEqual(windowsLogsource('Some/Custom', 1), { product: 'windows' });
  assert.deepEqual(windowsLogsource(undefined, 1), { product: 'windows' });
});

test('a malformed mapping is refused with the entry named', () => {
  const bad = (text: string, path: string): void => {
    assert.throws(() => parseMapping(text, 'x.yaml'), (e: unknown) => e instanceof ClaimGuardError && e.code === 'CONFIG_INVALID' && JSON.stringify(e).includes(path), text);
  };
  bad('windows: {channels: {Security: [1]}}', 'windows.channels.Security');
  bad('windows: {events: [{service: sysmon, eventIds: one}]}', 'windows.events[0]');
  bad('sources: [{services: [auth]}]', 'sources[0]');
  bad('windows: [', '');
});
