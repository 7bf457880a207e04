// createDetector: alerts carry attribution and why; correlations are fed from base-rule matches and
// fire as alerts; `generate` decides whether referenced rules also alert on their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event } from '../../src/core/index.ts';
import { createDetector, loadRuleSources, histogramPercentile } from '../../src/detect/index.ts';

const BASE = `title: Failed logon
id: 0c6c9b26-1d27-4a7a-9a51-0d8e1e1f0001
name: failed_logon
author: Test Author
level: low
tags: [attack.t1110]
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
`;

function corr(generate: boolean): string {
  return `title: Brute force
id: 0c6c9b26-1d27-4a7a-9a51-0d8e1e1f0002
author: Test Author
level: high
correlation:
    type: event_count
    rules: [failed_logon]
    group-by: [TargetUserName]
    timespan: 5m
    generate: ${generate}
    condition:
        gte: 3
`;
}

let n = 0;
function ev(user: string, t: number): Event {
  n++;
  return { id: `E${n}`, time: t, ingested: t, tenant: 't1', source: 'test', logsource: { product: 'windows', service: 'security' },
    fields: { Channel: 'Security', EventID: 4625, TargetUserName: user, Computer: 'dc1', user } };
}

test('a base rule alert carries rule identity, author, licence, tags, entities and why', () => {
  const rs = loadRuleSources([{ file: 'base.yml', text: BASE, license: 'Apache-2.0' }]);
  assert.deepEqual(rs.errors, []);
  const det = createDetector({ rules: rs.rules });
  const [a] = det.process(ev('alice', 1000));
  assert.equal(a.rule.id, '0c6c9b26-1d27-4a7a-9a51-0d8e1e1f0001');
  assert.equal(a.rule.author, 'Test Author');
  assert.equal(a.rule.license, 'Apache-2.0');
  assert.equal(a.rule.source, 'base.yml');
  assert.deepEqual(a.rule.tags, ['attack.t1110']);
  assert.equal(a.tenant, 't1');
  assert.equal(a.time, 1000);
  assert.deepEqual(a.eventIds, [`E${n}`]);
  assert.equal(a.entities.host, 'dc1');
  assert.equal(a.entities.user, 'alice');
  assert.deepEqual(a.why, [{ selection: 'selection', field: 'EventID', value: '4625' }]);
  assert.equal(a.status, 'new');
  const st = det.stats();
  assert.equal(st.events, 1);
  assert.equal(st.alerts, 1);
  assert.equal(histogramPercentile(st.evaluatedHistogram, 50), 1);
  assert.equal(det.process({ ...ev('bob', 2000), fields: { Channel: 'System', EventID: 4625 } }).length, 0, 'another channel does not route to the rule');
});

test('correlation fires once the threshold is reached in the window, per group; referenced rule is silent by default', () => {
  const rs = loadRuleSources([{ file: 'r.yml', text: BASE + '---\n' + corr(false) }]);
  assert.deepEqual(rs.errors, []);
  assert.equal(rs.correlations.length, 1);
  const det = createDetector({ rules: rs.rules, correlations: rs.correlations });
  const out = [
    ...det.process(ev('alice', 0)), ...det.process(ev('bob', 1000)), ...det.process(ev('alice', 2000)),
    ...det.process(ev('alice', 3000)),
  ];
  assert.equal(out.length, 1, JSON.stringify(out.map((a) => a.rule.title)));
  const c = out[0];
  assert.equal(c.rule.id, '0c6c9b26-1d27-4a7a-9a51-0d8e1e1f0002');
  assert.equal(c.rule.level, 'high');
  assert.equal(c.rule.author, 'Test Author');
  assert.equal(c.time, 3000);
  assert.equal(c.eventIds.length, 3);
  assert.equal(c.entities.TargetUserName, 'alice');
  assert.match(c.why[0].note!, /event_count over 5m by TargetUserName: value 3/);
  assert.equal(det.stats().correlation?.fired, 1);
});

test('generate: true keeps the referenced rule alerting beside the correlation', () => {
  const rs = loadRuleSources([{ file: 'r.yml', text: BASE + '---\n' + corr(true) }]);
  const det = createDetector({ rules: rs.rules, correlations: rs.correlations });
  const out = [0, 1000, 2000].flatMap((t) => det.process(ev('carol', t)));
  assert.deepEqual(out.map((a) => a.rule.title), ['Failed logon', 'Failed logon', 'Failed logon', 'Brute force']);
});

test('a correlation that references an unknown rule is rejected with a located error; the rest still load', () => {
  const bad = corr(false).replace('rules: [failed_logon]', 'rules: [no_such_rule]');
  const rs = loadRuleSources([{ file: 'r.yml', text: BASE + '---\n' + bad }]);
  assert.equal(rs.rules.length, 1);
  assert.equal(rs.correlations.length, 0);
  assert.equal(rs.errors.length, 1);
  assert.match(rs.errors[0].code, /SIGMA_(UNKNOWN_REFERENCE|CORRELATION)/);
  assert.equal(rs.errors[0].location?.file, 'r.yml');
});
