// The router may pick too many rules, never too few: over the whole corpus, routed detection raises
// exactly the alerts a full scan (every rule, logsource checked per rule) raises, on the SigmaHQ
// regression events and a sample of the EVTX attack samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Event } from '../../../src/core/index.ts';
import type { CompiledRule } from '../../../src/detect/sigma/types.ts';
import { createDetector, loadDefaultMapping } from '../../../src/detect/index.ts';
import { eventFromEvtxJson } from '../../../src/ingest/formats/winevent.ts';
import { sharedData } from '../../helpers/data.ts';
import { loadCorpus, makeEvent, regressionEvents } from './helpers.ts';

function regressionSet(): Event[] {
  const base = sharedData('sigma_regression');
  const lines = readFileSync(join(base, 'EXPECTED.tsv'), 'utf8').trim().split('\n').slice(1);
  return lines.flatMap((l) => regressionEvents(join(base, l.split('\t')[0].replace(/\.evtx$/, '.json'))));
}

function attackSample(every: number): Event[] {
  const out: Event[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl')) {
        readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
          if (!line.trim() || i % every !== 0) return;
          const pe = eventFromEvtxJson(JSON.parse(line));
          out.push(makeEvent(pe.fields, pe.logsource, pe.time));
        });
      }
    }
  };
  walk(sharedData('evtx_attack_samples'));
  return out;
}

/** A process_creation rule file with the given detection block (indented two spaces). */
function processRule(id: string, detection: string): { file: string; text: string } {
  return {
    file: `${id}.yml`,
    text: `title: T ${id}\nid: 00000000-0000-4000-8000-0000000000${id}\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n${detection}\nlevel: high\n`,
  };
}

function sysmon1(img: string, cli: string): Event {
  return makeEvent({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, Image: img, CommandLine: cli });
}

/** Routed and full-scan detectors agree on the alerts, and routing evaluated `evaluated` rules. */
function assertRouted(rules: CompiledRule[], ev: Event, want: string[], evaluated: number): void {
  const routed = createDetector({ rules });
  const full = createDetector({ rules, config: { fullScan: true } });
  assert.deepEqual(routed.process(ev).map((a) => a.rule.id.slice(-2)).sort(), want, String(ev.fields.CommandLine));
  assert.deepEqual(full.process(ev).map((a) => a.rule.id.slice(-2)).sort(), want);
  assert.equal(routed.stats().rulesEvaluated, evaluated, `rules evaluated for ${String(ev.fields.CommandLine)}`);
}

test('routed detection equals a full scan over the corpus', () => {
  const rs = loadCorpus();
  const once = [...regressionSet(), ...attackSample(25)];
  // Twice over: the second pass is answered from the router's per-value memo.
  const events = [...once, ...once];
  assert.ok(once.length > 500, `${once.length} events`);
  const routed = createDetector({ rules: rs.rules });
  const full = createDetector({ rules: rs.rules, config: { fullScan: true } });
  let alerts = 0;
  for (const ev of events) {
    const a = routed.process(ev).map((x) => x.rule.id).sort();
    const b = full.process(ev).map((x) => x.rule.id).sort();
    assert.deepEqual(a, b, `event ${JSON.stringify(ev.fields).slice(0, 200)}`);
    alerts += a.length;
  }
  assert.ok(alerts > 100, `${alerts} alerts`);
  const st = routed.stats();
  assert.ok(st.rulesEvaluated < full.stats().rulesEvaluated / 20, `routing evaluates ${st.rulesEvaluated} vs ${full.stats().rulesEvaluated}`);
  console.log(`# routed: ${st.rulesEvaluated} rule evaluations, full scan: ${full.stats().rulesEvaluated}, events ${events.length}`);
});

test('logsource mapping: Sysmon, Security 4688 renames, parser logsource, unknown channels', () => {
  const m = loadDefaultMapping();
  const sysmonClass = m.classify(makeEvent({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1 }));
  assert.deepEqual([sysmonClass.product, sysmonClass.services, sysmonClass.categories], ['windows', ['sysmon'], ['process_creation']]);
  const sysmon13 = m.classify(makeEvent({ Channel: 'microsoft-windows-sysmon/operational', EventID: '13' }));
  assert.deepEqual(sysmon13.categories, ['registry_set', 'registry_event']);
  const sec = m.classify(makeEvent({ Channel: 'Security', EventID: 4688 }));
  assert.deepEqual(sec.categories, ['process_creation']);
  assert.equal(sec.alias?.Image, 'NewProcessName');
  assert.equal(sec.alias?.ParentImage, 'ParentProcessName');
  const other = m.classify(makeEvent({ Channel: 'Security', EventID: 4624 }));
  assert.deepEqual([other.services, other.categories, other.alias], [['security'], [], undefined]);
  const sshd = m.classify(makeEvent({ program: 'sshd' }, { product: 'linux', service: 'sshd' }));
  assert.deepEqual([sshd.product, sshd.services], ['linux', ['sshd', 'auth']]);
  const entra = m.classify(makeEvent({}, { product: 'azure', service: 'signinlogs' }));
  assert.deepEqual([entra.product, entra.services], ['azure', ['signinlogs']]);
  const unknown = m.classify(makeEvent({ Channel: 'Some/Custom', EventID: 1 }));
  assert.deepEqual([unknown.product, unknown.services, unknown.categories], ['windows', [], []]);
});

test('process_creation rules fire on Security 4688 through the field renames', () => {
  const rs = loadCorpus();
  const det = createDetector({ rules: rs.rules });
  const ev = makeEvent({
    Channel: 'Security', EventID: 4688, NewProcessName: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /priv',
    ParentProcessName: 'C:\\Windows\\System32\\cmd.exe', SubjectUserName: 'alice',
  }, { product: 'windows', service: 'security', category: 'process_creation' });
  const alerts = det.process(ev);
  const whoami = alerts.filter((a) => /whoami/i.test(a.rule.title));
  assert.ok(whoami.length > 0, `alerts: ${alerts.map((a) => a.rule.title).join('; ')}`);
  const why = whoami.flatMap((a) => a.why);
  assert.ok(why.some((w) => w.field === 'Image' || w.field === 'CommandLine' || w.field === 'OriginalFileName'), JSON.stringify(why));
  // The same fields on an event of another channel do not route to process_creation rules.
  const sys = makeEvent({ Channel: 'System', EventID: 4688, NewProcessName: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /priv' });
  assert.equal(det.process(sys).filter((a) => /whoami/i.test(a.rule.title)).length, 0);
});

test('regex witnesses are literals every match must contain', async () => {
  const { regexLiteral } = await import('../../../src/detect/sigma/compile.ts');
  assert.equal(regexLiteral('\\\\powershell\\.exe$'), '\\powershell.exe');
  assert.equal(regexLiteral('abcd?e'), 'abc', 'a quantified character is not required');
  assert.equal(regexLiteral('x{2}hello'), 'hello', 'quantifier braces are skipped');
  assert.equal(regexLiteral('a(bcdef)ghij'), 'ghij', 'group contents are not relied on');
  assert.equal(regexLiteral('[a-z]+foobar'), 'foobar');
  assert.equal(regexLiteral('\\d+evilstring'), 'evilstring');
  assert.equal(regexLiteral('abcdef|ghijkl'), '', 'alternation gives up');
  assert.equal(regexLiteral('a\\|bcdefg'), 'a|bcdefg', 'an escaped bar is a literal');
  assert.equal(regexLiteral('cmd.{0,5}(?:/c|/r)\\s"setx'), '"setx', 'alternation inside a group only hides the group');
  assert.equal(regexLiteral('[a|b]+wxyz'), 'wxyz', 'a bar in a class is no alternation');
  assert.equal(regexLiteral('(ab)|cdefgh'), '', 'a top-level bar after a group gives up');
  assert.equal(regexLiteral('\\x41bcd\\u0042xyzw'), 'xyzw', 'hex and unicode escapes are not literal digits');
  assert.equal(regexLiteral('\\p{L}+abcd\\k<n>efg\\1234'), 'abcd');
});

test('a rule is routed only when a witness of every AND side (and every |all value) is present', async () => {
  const { loadRuleSources } = await import('../../../src/detect/index.ts');
  const rs = loadRuleSources([
    processRule('01', "  img:\n    Image|endswith: '\\\\zzfoo.exe'\n  cli:\n    CommandLine|contains: ' -zzbar '\n  condition: img and cli"),
    processRule('02', "  img:\n    Image|endswith: '\\\\zzfoo.exe'\n  cli:\n    CommandLine|contains: ' -zzbar '\n  condition: img and not cli"),
    processRule('03', "  img:\n    Image|endswith: '\\\\zzfoo.exe'\n  cli:\n    CommandLine|contains: ' -zzbar '\n  condition: img or cli"),
    processRule('04', "  sel:\n    CommandLine|contains|all:\n      - ' -zzbar '\n      - ' -zzqux '\n  condition: sel"),
  ]);
  assert.deepEqual(rs.errors, []);
  const byId = new Map(rs.rules.map((r) => [r.meta.id.slice(-2), r]));
  assert.equal(byId.get('01')!.clauses?.length, 2);
  assert.equal(byId.get('02')!.clauses, undefined, 'a negated side is no necessary condition');
  assert.equal(byId.get('03')!.clauses, undefined, 'an OR of single clauses keeps one union list');
  assert.equal(byId.get('04')!.clauses?.length, 2);
  const cases: [Event, string[], number][] = [
    [sysmon1('C:\\x\\zzfoo.exe', 'zzfoo.exe -zzbar x'), ['01', '03'], 3],
    [sysmon1('C:\\x\\zzfoo.exe', 'zzfoo.exe'), ['02', '03'], 2],
    [sysmon1('C:\\x\\other.exe', 'other.exe -zzbar x'), ['03'], 1],
    [sysmon1('C:\\x\\other.exe', 'other.exe -zzbar -zzqux '), ['03', '04'], 2],
    [sysmon1('C:\\x\\other.exe', 'other.exe -zzqux '), [], 0],
  ];
  for (const [ev, want, evaluated] of cases) assertRouted(rs.rules, ev, want, evaluated);
});

test('an OR of ANDs is routed through every side: a common literal alone does not select the rule', async () => {
  const { loadRuleSources } = await import('../../../src/detect/index.ts');
  // The shape of SigmaHQ's "Potential Command Line Path Traversal Evasion Attempt".
  const rs = loadRuleSources([processRule('11', "  selection_1:\n    Image|contains: '\\Windows\\'\n    CommandLine|contains:\n      - '\\..\\Windows\\'\n      - '\\..\\..\\'\n"
    + "  selection_2:\n    CommandLine|contains: '.exe\\..\\'\n  condition: 1 of selection_*")]);
  assert.deepEqual(rs.errors, []);
  assert.equal(rs.rules[0].clauses?.length, 2, '(Image ∨ .exe\\..\\) ∧ (traversal ∨ .exe\\..\\)');
  const cases: [Event, string[], number][] = [
    [sysmon1('C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c dir'), [], 0],
    [sysmon1('C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c C:\\x\\..\\Windows\\y'), ['11'], 1],
    [sysmon1('C:\\Tools\\a.exe', 'a.exe b.exe\\..\\c'), ['11'], 1],
    [sysmon1('C:\\Tools\\a.exe', 'a.exe C:\\x\\..\\Windows\\y'), [], 0],
  ];
  for (const [ev, want, evaluated] of cases) assertRouted(rs.rules, ev, want, evaluated);
});

test('literal bookkeeping survives the scan counter wrapping', async () => {
  const { loadRuleSources } = await import('../../../src/detect/index.ts');
  const rs = loadRuleSources([processRule('21', "  sel:\n    CommandLine|contains: ' -zzenc '\n  condition: sel")]);
  const { RuleRouter } = await import('../../../src/detect/sigma/router.ts');
  const { EventView } = await import('../../../src/detect/sigma/event-view.ts');
  const ev = (i: number): Event => makeEvent({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, CommandLine: `tool${i}.exe -zzenc AAAA ${i}` });
  const r = new RuleRouter(rs.rules);
  const cls = loadDefaultMapping().classify(ev(0));
  // Values differ each time, so every lookup scans (no memo hit).
  const pick = (i: number): number => r.candidates(cls, 1, new EventView(ev(i).fields, cls.alias)).length;
  assert.equal(pick(1), 1);
  const counter = (r as unknown as { scanner: { scanId: number } }).scanner;
  counter.scanId = 0x7fffffff - 2;
  for (let i = 2; i < 10; i++) assert.equal(pick(i), 1, `scan ${i} around the wrap`);
  assert.ok(counter.scanId < 10, 'the counter restarted');
});

test('item results remembered per string value: the same value answers every item, a number never reuses a string\'s result', async () => {
  const { loadRuleSources } = await import('../../../src/detect/index.ts');
  // 31 and 32 make Image and CommandLine indexed fields; 33 runs always and tests the hour of Stamp,
  // which a number (epoch ms) and its text (no date) answer differently; 34 indexes Stamp.
  const rs = loadRuleSources([
    processRule('31', "  sel:\n    Image|endswith: '\\\\zzfoo.exe'\n  filter:\n    CommandLine|contains: ' -quiet'\n  condition: sel and not filter"),
    processRule('32', "  sel:\n    CommandLine|contains: ' -zzbar'\n  condition: sel"),
    processRule('33', "  sel:\n    Stamp|hour: 9\n  condition: sel"),
    processRule('34', "  sel:\n    Stamp|startswith: '17'\n  condition: sel"),
  ]);
  assert.deepEqual(rs.errors, []);
  const routed = createDetector({ rules: rs.rules });
  const full = createDetector({ rules: rs.rules, config: { fullScan: true } });
  const nine = Date.UTC(2024, 0, 2, 9, 0);
  const events: Event[] = [];
  for (let round = 0; round < 3; round++) {
    events.push(sysmon1('C:\\x\\zzfoo.exe', 'zzfoo.exe -zzbar'));
    events.push(sysmon1('C:\\x\\zzfoo.exe', 'zzfoo.exe -zzbar -quiet'));
    events.push(sysmon1('C:\\X\\ZZFOO.EXE', 'zzfoo.exe'));
    events.push(makeEvent({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, Stamp: String(nine) }));
    events.push(makeEvent({ Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, Stamp: nine }));
  }
  const ids = (d: ReturnType<typeof createDetector>, ev: Event): string => d.process(ev).map((a) => a.rule.id.slice(-2)).sort().join(',');
  const got = events.map((ev) => ids(routed, ev));
  assert.deepEqual(got, events.map((ev) => ids(full, ev)));
  assert.deepEqual(got.slice(0, 5), ['31,32', '32', '31', '34', '33,34']);
  assert.deepEqual(got.slice(5, 10), got.slice(0, 5), 'answered from remembered results, the same');
});

test('EventIDs that select the same rules share one plan; buckets and plans stay bounded on hostile text', async () => {
  const { loadRuleSources } = await import('../../../src/detect/index.ts');
  const { RuleRouter } = await import('../../../src/detect/sigma/router.ts');
  const { EventView } = await import('../../../src/detect/sigma/event-view.ts');
  const sec = (id: string, detection: string): { file: string; text: string } => ({
    file: `${id}.yml`,
    text: `title: S ${id}\nid: 00000000-0000-4000-8000-0000000000${id}\nlogsource:\n  product: windows\n  service: security\ndetection:\n${detection}\nlevel: high\n`,
  });
  const rs = loadRuleSources([
    sec('41', "  sel:\n    EventID: 4625\n    TargetUserName|contains: 'zzadmin'\n  condition: sel"),
    sec('42', "  sel:\n    SubjectUserName|endswith: '$zz'\n  condition: sel"),
  ]);
  assert.deepEqual(rs.errors, []);
  const r = new RuleRouter(rs.rules);
  const m = loadDefaultMapping();
  const planOf = (id: number): unknown => {
    const ev = makeEvent({ Channel: 'Security', EventID: id, SubjectUserName: 'host$zz' });
    const cls = m.classify(ev);
    assert.equal(r.candidates(cls, id, new EventView(ev.fields, cls.alias)).length, 1, `rule 42 for EventID ${id}`);
    return (r as unknown as { planOfClass: Map<unknown, { plan: unknown }> }).planOfClass.get(cls)!.plan;
  };
  assert.equal(planOf(4624), planOf(4672), 'no rule names 4624 or 4672: one plan');
  assert.notEqual(planOf(4625), planOf(4624), 'rule 41 names 4625');
  // Parser logsources are event text: 5,000 made-up products make 5,000 classes.
  for (let i = 0; i < 5000; i++) {
    const ev = makeEvent({ msg: 'x' }, { product: `p${i}`, service: 'svc' });
    const cls = m.classify(ev);
    r.candidates(cls, undefined, new EventView(ev.fields, cls.alias));
  }
  const buckets = (r as unknown as { buckets: Map<string, unknown> }).buckets;
  assert.ok(buckets.size <= 4096, `${buckets.size} buckets`);
});

test('routed detection equals a full scan on events mixed from the attack samples (memo and remembered results across new combinations)', () => {
  const rs = loadCorpus();
  // Like bench/sigma.ts: each field of a Security/Sysmon event drawn from that field's values in other
  // events of the same channel and EventID, so values repeat in new company and the per-value memo
  // and remembered item results are exercised across different rules. (Both detectors share the
  // rules' closures, so remembered explanations are checked by the next test instead.)
  const byTemplate = new Map<string, Event[]>();
  for (const ev of attackSample(3)) {
    const ch = ev.fields.Channel;
    if (ch !== 'Security' && ch !== 'Microsoft-Windows-Sysmon/Operational') continue;
    const k = `${String(ch)}|${String(ev.fields.EventID)}`;
    let l = byTemplate.get(k);
    if (!l) byTemplate.set(k, (l = []));
    l.push(ev);
  }
  const templates = [...byTemplate.values()].filter((l) => l.length >= 5);
  assert.ok(templates.length >= 8, `${templates.length} templates`);
  let seed = 7;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const events: Event[] = [];
  for (let i = 0; i < 1500; i++) {
    const l = templates[rnd(templates.length)];
    const fields: Record<string, unknown> = {};
    for (const k of Object.keys(l[0].fields)) {
      const v = l[rnd(l.length)].fields[k];
      if (v !== undefined) fields[k] = v;
    }
    fields.Channel = l[0].fields.Channel;
    fields.EventID = l[0].fields.EventID;
    events.push(makeEvent(fields as Event['fields'], l[0].logsource, i));
  }
  const routed = createDetector({ rules: rs.rules });
  const full = createDetector({ rules: rs.rules, config: { fullScan: true } });
  const key = (a: { rule: { id: string }; why: unknown }): string => `${a.rule.id} ${JSON.stringify(a.why)}`;
  let alerts = 0;
  for (const ev of [...events, ...events]) {
    const a = routed.process(ev).map(key).sort();
    assert.deepEqual(a, full.process(ev).map(key).sort(), `event ${JSON.stringify(ev.fields).slice(0, 200)}`);
    alerts += a.length;
  }
  assert.ok(alerts > 300, `${alerts} alerts`);
  assert.ok(routed.stats().memo.hits > routed.stats().memo.lookups / 2, 'the memo answered most lookups');
});

test('the remembered explanation is the value that matched this event\'s value', async () => {
  const { loadRuleSources } = await import('../../../src/detect/index.ts');
  const rs = loadRuleSources([processRule('51', "  sel:\n    Image|endswith:\n      - '\\zza.exe'\n      - '\\zzb.exe'\n  condition: sel")]);
  assert.deepEqual(rs.errors, []);
  const det = createDetector({ rules: rs.rules });
  const why = (img: string): unknown => det.process(sysmon1(img, 'x'))[0]?.why.map((w) => w.value);
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(why('C:\\t\\zza.exe'), ['\\zza.exe']);
    assert.deepEqual(why('C:\\t\\zzb.exe'), ['\\zzb.exe']);
    assert.deepEqual(why('C:\\T\\ZZA.EXE'), ['\\zza.exe']);
  }
});
