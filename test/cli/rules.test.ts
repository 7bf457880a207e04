// `claimguard rules validate` prints every problem located and exits 2; `claimguard rules test` runs
// <rule>.tests.yml regression cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { captureIO as io, tempDir } from '../helpers/cli.ts';

const GOOD = `title: Sudo to root shell
id: 7d3f0d7e-93a3-4f8e-9a4c-5b0d3d8f2a01
author: ClaimGuard tests
level: medium
logsource:
    product: linux
    service: sudo
detection:
    selection:
        command|endswith:
            - '/bin/bash'
            - '/bin/sh'
    filter_admin:
        user: backup
    condition: selection and not filter_admin
`;

test('rules validate: clean directory exits 0 with counts', async (t) => {
  const dir = tempDir(t, 'cg-rules-');
  writeFileSync(join(dir, 'good.yml'), GOOD);
  const c = io(dir);
  assert.equal(await main(['rules', 'validate', '.'], c), 0);
  assert.match(c.out(), /^1 rules, 0 correlations, 0 filters loaded from 1 files; 0 problem\(s\)$/m);
});

test('rules validate: every problem printed as file:line:column with its code, grouped counts, exit 2', async (t) => {
  const dir = tempDir(t, 'cg-rules-');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'good.yml'), GOOD);
  writeFileSync(join(dir, 'sub', 'bad.yml'), GOOD.replace("command|endswith:", "command|endwith:").replace('condition: selection and not filter_admin', 'condition: selection | count() > 3'));
  writeFileSync(join(dir, 'sub', 'broken.yaml'), 'title: [\n');
  const c = io(dir);
  assert.equal(await main(['rules', 'validate', '.'], c), 2);
  const out = c.out();
  assert.match(out, /^sub\/bad\.yml:10:9 \(detection\.selection\.command\|endwith\): .*unknown modifier \|endwith.* \[SIGMA_UNKNOWN_MODIFIER\]$/m);
  assert.match(out, /^sub\/bad\.yml:15:26 \(detection\.condition\): .*event_count.* \[SIGMA_DEPRECATED_AGGREGATION\]$/m);
  assert.match(out, /^sub\/broken\.yaml:\d+:\d+: not valid YAML.* \[SIGMA_YAML\]$/m);
  assert.match(out, /^1 rules, 0 correlations, 0 filters loaded from 3 files; 3 problem\(s\)$/m);
  assert.match(out, /^ {2}SIGMA_UNKNOWN_MODIFIER: 1$/m);
  assert.equal(await main(['rules', 'validate'], io(dir)), 2, 'no path is a usage error');
  assert.equal(await main(['rules', 'frobnicate'], io(dir)), 2);
});

test('rules test: positive and negative cases pass; a wrong expectation fails with exit 1', async (t) => {
  const dir = tempDir(t, 'cg-rules-');
  writeFileSync(join(dir, 'sudo_shell.yml'), GOOD);
  writeFileSync(join(dir, 'sudo_shell.tests.yml'), `cases:
  - name: root shell through sudo
    expect: match
    events:
      - logsource: {product: linux, service: sudo}
        fields: {user: alice, command: /bin/bash}
  - name: the backup account is expected
    expect: no_match
    events:
      - logsource: {product: linux, service: sudo}
        fields: {user: backup, command: /bin/bash}
  - name: two shells, two alerts
    count: 2
    events:
      - logsource: {product: linux, service: sudo}
        fields: {user: alice, command: /bin/sh}
      - logsource: {product: linux, service: sudo}
        fields: {user: bob, command: /bin/bash}
`);
  const ok = io(dir);
  assert.equal(await main(['rules', 'test', '.'], ok), 0, ok.out() + ok.err());
  assert.match(ok.out(), /^3 passed, 0 failed \(1 tests files\)$/m);
  writeFileSync(join(dir, 'sudo_shell.tests.yml'), `cases:
  - name: wrong expectation
    expect: no_match
    events:
      - logsource: {product: linux, service: sudo}
        fields: {user: alice, command: /bin/bash}
`);
  const bad = io(dir);
  assert.equal(await main(['rules', 'test', '.'], bad), 1);
  assert.match(bad.out(), /^FAIL {2}sudo_shell\.tests\.yml {2}wrong expectation: expected no alert, got 1$/m);
});
