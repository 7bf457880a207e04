import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { sharedData } from '../../helpers/data.ts';
import { m365Reader, parseIsoTime, splitIpPort } from '../../../src/ingest/formats/m365.ts';
import type { ParseResult } from '../../../src/ingest/formats/types.ts';
import type { ParsedEvent } from '../../../src/core/index.ts';

const DIR = 'm365_entra_otrf_goldensaml';

async function readAll(path: string, options?: Record<string, unknown>): Promise<ParseResult[]> {
  const out: ParseResult[] = [];
  for await (const r of m365Reader.read(createReadStream(path, { highWaterMark: 1024 }), { file: path, options })) out.push(r);
  return out;
}

async function readText(text: string, options?: Record<string, unknown>, chunk = 7): Promise<ParseResult[]> {
  const bytes = new TextEncoder().encode(text);
  async function* src(): AsyncGenerator<Uint8Array> { for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk); }
  const out: ParseResult[] = [];
  for await (const r of m365Reader.read(src(), { file: 'mem.json', options })) out.push(r);
  return out;
}

function events(rs: ParseResult[]): ParsedEvent[] {
  return rs.map((r) => { if (!r.ok) throw new Error(r.error.format()); return r.event; });
}

test('OTRF Entra AuditLogs rows: all parse as azure/auditlogs with SigmaHQ field names', async () => {
  const evs = events(await readAll(sharedData(DIR, 'AADAuditEvents.json')));
  assert.equal(evs.length, 4);
  for (const e of evs) assert.deepEqual(e.logsource, { product: 'azure', service: 'auditlogs' });
  const [cred, , app, grant] = evs;
  // SigmaHQ azure_app_credential_added.yml matches on properties.message (trailing space trimmed).
  assert.equal(cred.fields['properties.message'], 'Update application – Certificates and secrets management');
  assert.equal(cred.time, Date.UTC(2021, 7, 2, 13, 29, 25, 983));
  assert.equal(cred.fields.user, 'pgustavo@simulandlabs.com');
  assert.equal(cred.fields.outcome, 'success');
  assert.equal(cred.fields.Status, 'Success');
  assert.equal(cred.fields.Category, 'ApplicationManagement');
  assert.equal(cred.fields.LoggedByService, 'Core Directory');
  assert.equal(cred.fields['InitiatedBy.user.userPrincipalName'], 'pgustavo@simulandlabs.com');
  assert.equal(cred.fields['TargetResources.displayName'], 'SimuLandApp');
  assert.equal(cred.fields.Target, 'SimuLandApp');
  assert.match(String(cred.fields.KeyDescription), /KeyType=Password/);
  assert.equal(app.fields.operationName, 'Update application');
  // Delegated permission grant: modifiedProperties become bare fields with JSON quoting removed.
  assert.equal(grant.fields['properties.message'], 'Add delegated permission grant');
  assert.equal(grant.fields['DelegatedPermissionGrant.Scope'], 'User.Read Mail.ReadWrite');
  assert.equal(grant.fields['DelegatedPermissionGrant.ConsentType'], 'AllPrincipals');
  assert.deepEqual(grant.fields['TargetResources.type'], ['ServicePrincipal', 'ServicePrincipal']);
  assert.equal(grant.fields['additionalDetails.User-Agent'], 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.17763.1971');
});

test('OTRF OfficeActivity row: m365/exchange MailItemsAccessed with canonical fields', async () => {
  const [e] = events(await readAll(sharedData(DIR, 'OfficeActivityEvents.json')));
  assert.deepEqual(e.logsource, { product: 'm365', service: 'exchange' });
  assert.equal(e.time, Date.UTC(2021, 7, 2, 13, 32, 7));
  assert.equal(e.fields.Operation, 'MailItemsAccessed');
  assert.equal(e.fields.Workload, 'Exchange');
  assert.equal(e.fields.ResultStatus, 'Succeeded');
  assert.equal(e.fields.user, 'pgustavo@simulandlabs.com');
  assert.equal(e.fields.src_ip, '1.2.3.4');
  assert.equal(e.fields.outcome, 'success');
  assert.equal(e.fields['OperationProperties.MailAccessType'], 'Bind');
  assert.equal(e.fields.eventSource, 'Exchange');
  assert.equal(e.fields.eventName, 'MailItemsAccessed');
  assert.equal(e.fields['Folders.Path'], '\\Inbox');
});

test('OTRF Defender XDR rows: all parse; CloudAppEvents with RawEventData normalise as the UAL record', async () => {
  const evs = events(await readAll(sharedData(DIR, 'Microsoft365DefenderEvents.json')));
  assert.equal(evs.length, 9);
  const mail = evs.filter((e) => e.fields.Operation === 'MailItemsAccessed');
  assert.equal(mail.length, 1);
  assert.deepEqual(mail[0].logsource, { product: 'm365', service: 'exchange' });
  assert.equal(mail[0].fields.src_country, 'US');
  assert.equal(mail[0].fields.OperationCount, 7);
  assert.equal(mail[0].fields['OperationProperties.MailAccessType'], 'Bind');
  const ldap = evs.filter((e) => e.fields.ActionType === 'LdapSearch');
  assert.equal(ldap.length, 5);
  assert.equal(ldap[0].fields.host, 'adfs01.simulandlabs.com');
  assert.equal(ldap[0].fields.user, 'wardog@simulandlabs.com');
  assert.equal(ldap[0].fields.FileName, undefined, 'empty hunting columns are dropped');
  const repl = evs.filter((e) => e.fields.ActionType === 'Directory Services replication');
  assert.equal(repl.length, 2);
  assert.equal(repl[0].fields.src_ip, '192.168.2.5');
  assert.equal(repl[0].fields['AdditionalFields.FROM.DEVICE'], 'ADFS01');
});

test('sniff accepts the M365/Entra files and refuses the Windows SecurityEvent rows of the same capture', () => {
  for (const f of ['AADAuditEvents.json', 'OfficeActivityEvents.json']) {
    assert.equal(m365Reader.sniff(readFileSync(sharedData(DIR, f)).subarray(0, 65536), f), true, f);
  }
  assert.equal(m365Reader.sniff(readFileSync(sharedData(DIR, 'WindowsEvents.json')).subarray(0, 65536), 'WindowsEvents.json'), false);
  assert.equal(m365Reader.sniff(new TextEncoder().encode('<14>Jan  1 00:00:00 host sshd[1]: hi'), 'x.log'), false);
});

test('Windows SecurityEvent rows are refused with a located M365_BAD_RECORD, not misread', async () => {
  const rs = await readAll(sharedData(DIR, 'WindowsEvents.json'));
  assert.equal(rs.length, 38);
  for (const r of rs) {
    assert.equal(r.ok, false);
    if (!r.ok) { assert.equal(r.error.code, 'M365_BAD_RECORD'); assert.ok(r.error.location?.line); }
  }
});

const GRAPH_SIGNIN = {
  id: '66ea54eb-6301-4ee5-be62-ff5a759b8100', createdDateTime: '2026-03-09T14:21:09Z',
  userDisplayName: 'Dana Ortiz', userPrincipalName: 'DOrtiz@lonestarbilling.com', userId: 'd1', appId: 'de8bc8b5',
  appDisplayName: 'Office 365 Exchange Online', ipAddress: '203.0.113.7', clientAppUsed: 'IMAP4', conditionalAccessStatus: 'notApplied',
  isInteractive: true, riskState: 'none', resourceDisplayName: 'Office 365 Exchange Online', userAgent: 'BAV2ROPC',
  authenticationRequirement: 'singleFactorAuthentication',
  status: { errorCode: 50126, failureReason: 'Invalid username or password or Invalid on-premise username or password.', additionalDetails: null },
  deviceDetail: { deviceId: '', displayName: null, operatingSystem: 'Windows10', browser: 'Rich Client 4.0', isCompliant: false, isManaged: false, trustType: null },
  location: { city: 'Lagos', state: 'Lagos', countryOrRegion: 'NG', geoCoordinates: { latitude: 6.45, longitude: 3.39 } },
  authenticationDetails: [{ authenticationMethod: 'Password', succeeded: false }],
};

test('Graph signIn objects in a `value` page normalise to azure/signinlogs with SigmaHQ names', async () => {
  const page = JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns', value: [GRAPH_SIGNIN, { ...GRAPH_SIGNIN, id: 'x2', status: { errorCode: 0 }, createdDateTime: '2026-03-09T14:25:00.1234567Z' }] }, null, 2);
  const [fail, ok] = events(await readText(page));
  assert.deepEqual(fail.logsource, { product: 'azure', service: 'signinlogs' });
  assert.equal(fail.time, Date.UTC(2026, 2, 9, 14, 21, 9));
  assert.equal(fail.fields.ResultType, 50126);
  assert.equal(fail.fields.Status, 'Failure');
  assert.equal(fail.fields.ClientApp, 'IMAP4');
  assert.equal(fail.fields.userAgent, 'BAV2ROPC');
  assert.equal(fail.fields['DeviceDetail.isCompliant'], 'false');
  assert.equal(fail.fields['DeviceDetail.trusttype'], null);
  assert.equal(fail.fields.Location, 'NG');
  assert.equal(fail.fields.user, 'dortiz@lonestarbilling.com');
  assert.equal(fail.fields.src_ip, '203.0.113.7');
  assert.equal(fail.fields.src_country, 'NG');
  assert.equal(fail.fields.outcome, 'failure');
  assert.equal(fail.fields.auth_method, 'Password');
  assert.equal(ok.fields.outcome, 'success');
  assert.equal(ok.fields.Status, 'Success');
  assert.equal(ok.time, Date.UTC(2026, 2, 9, 14, 25, 0, 123));
});

test('diagnostic-settings export ({records:[…]}) of sign-ins and audits', async () => {
  const blob = {
    records: [
      { time: '2026-03-09T14:21:09.000Z', resourceId: '/tenants/t/providers/Microsoft.aadiam', operationName: 'Sign-in activity', category: 'SignInLogs',
        resultType: '500121', resultDescription: 'Authentication failed during strong authentication request.', callerIpAddress: '198.51.100.20', location: 'RU',
        properties: { ...GRAPH_SIGNIN, ipAddress: '198.51.100.20', status: { errorCode: 500121, additionalDetails: 'MFA denied; user declined the authentication' }, location: { city: 'Moscow', countryOrRegion: 'RU' } } },
      { time: '2026-03-09T15:00:00Z', operationName: 'Consent to application', category: 'AuditLogs', callerIpAddress: '198.51.100.20',
        properties: { activityDisplayName: 'Consent to application', activityDateTime: '2026-03-09T15:00:00Z', category: 'ApplicationManagement', result: 'success', loggedByService: 'Core Directory', operationType: 'Assign',
          initiatedBy: { user: { userPrincipalName: 'dortiz@lonestarbilling.com', ipAddress: '198.51.100.20' } },
          targetResources: [{ displayName: 'Mail Sync Pro', type: 'ServicePrincipal', modifiedProperties: [{ displayName: 'ConsentContext.IsAdminConsent', oldValue: null, newValue: '"False"' }, { displayName: 'ConsentAction.Permissions', newValue: '"Scope: Mail.Read offline_access"' }] }] } },
    ],
  };
  const [signin, audit] = events(await readText(JSON.stringify(blob), undefined, 5));
  assert.equal(signin.logsource.service, 'signinlogs');
  assert.equal(signin.fields.ResultType, 500121);
  assert.equal(signin.fields['Status.additionalDetails'], 'MFA denied; user declined the authentication');
  assert.equal(signin.fields['properties.appDisplayName'], 'Office 365 Exchange Online');
  assert.equal(signin.fields.src_country, 'RU');
  assert.equal(audit.logsource.service, 'auditlogs');
  assert.equal(audit.fields['properties.message'], 'Consent to application');
  assert.equal(audit.fields['ConsentContext.IsAdminConsent'], 'False');
  assert.equal(audit.fields.src_ip, '198.51.100.20');
  assert.equal(audit.fields.user, 'dortiz@lonestarbilling.com');
});

test('UAL inbox rules: forwarding targets and external flag from Parameters', async () => {
  const recs = [
    { CreationTime: '2026-03-10T02:11:00', Id: 'a', Operation: 'New-InboxRule', OrganizationId: 'o', RecordType: 1, ResultStatus: 'True', UserKey: 'k', UserType: 2, Version: 1, Workload: 'Exchange', ClientIP: '[2001:db8::5]:51234', UserId: 'mlopez@lonestarbilling.com', ObjectId: 'rule', OrganizationName: 'lonestarbilling.onmicrosoft.com',
      Parameters: [{ Name: 'Name', Value: '..' }, { Name: 'ForwardTo', Value: 'remit.update@payments-secure.co' }, { Name: 'DeleteMessage', Value: 'True' }] },
    { CreationTime: '2026-03-10T02:12:00', Id: 'b', Operation: 'Set-Mailbox', RecordType: 1, ResultStatus: 'True', Workload: 'Exchange', ClientIP: '10.1.2.3:443', UserId: 'admin@lonestarbilling.com',
      Parameters: [{ Name: 'Identity', Value: 'jchen' }, { Name: 'ForwardingSmtpAddress', Value: 'smtp:jchen@lonestarbilling.com' }] },
    { CreationTime: '2026-03-10T02:13:00', Id: 'c', Operation: 'UserLoginFailed', RecordType: 15, ResultStatus: 'Failed', Workload: 'AzureActiveDirectory', ClientIP: '203.0.113.9', UserId: 'mlopez@lonestarbilling.com',
      ExtendedProperties: [{ Name: 'RequestType', Value: 'OAuth2:Token' }, { Name: 'UserAgent', Value: 'python-requests/2.31' }] },
  ];
  const [rule, fwd, login] = events(await readText(recs.map((r) => JSON.stringify(r)).join('\r\n') + '\r\n'));
  assert.deepEqual(rule.logsource, { product: 'm365', service: 'exchange' });
  assert.equal(rule.fields['Parameters.ForwardTo'], 'remit.update@payments-secure.co');
  assert.deepEqual(rule.fields.forward_targets, ['remit.update@payments-secure.co']);
  assert.equal(rule.fields.forward_external, 'true');
  assert.equal(rule.fields.src_ip, '2001:db8::5');
  assert.equal(rule.fields.src_port, 51234);
  assert.equal(rule.time, Date.UTC(2026, 2, 10, 2, 11), 'UAL CreationTime without zone is UTC');
  assert.equal(fwd.fields.forward_external, 'false');
  assert.equal(fwd.fields.src_ip, '10.1.2.3');
  assert.deepEqual(login.logsource, { product: 'm365', service: 'audit' });
  assert.equal(login.fields.outcome, 'failure');
  assert.equal(login.fields.RequestType, 'OAuth2:Token');
  assert.equal(login.fields['ExtendedProperties.UserAgent'], 'python-requests/2.31');
});

test('UpdateInboxRules (Outlook client) forwarding recipients come from the rule actions', async () => {
  const rec = { CreationTime: '2026-03-10T02:20:00', Operation: 'UpdateInboxRules', RecordType: 2, Workload: 'Exchange', UserId: 'mlopez@lonestarbilling.com', ClientIPAddress: '102.89.34.12',
    OperationProperties: [{ Name: 'RuleOperation', Value: 'AddMailboxRule' }, { Name: 'RuleName', Value: 'x' }, { Name: 'RuleActions', Value: '[{"ActionType":"Forward","Recipients":["Remit.Update@Payments-Secure.co"]}]' }] };
  const [e] = events(await readText(JSON.stringify(rec)));
  assert.deepEqual(e.fields.forward_targets, ['remit.update@payments-secure.co']);
  assert.equal(e.fields.forward_external, 'true');
  assert.equal(e.fields['OperationProperties.RuleOperation'], 'AddMailboxRule');
});

test('configured internal domains are not external', async () => {
  const rec = { CreationTime: '2026-03-10T02:11:00Z', Operation: 'Set-InboxRule', Workload: 'Exchange', UserId: 'a@lonestarbilling.com', Parameters: [{ Name: 'RedirectTo', Value: 'b@lsbp-austin.com' }] };
  const [e] = events(await readText(JSON.stringify(rec), { internalDomains: ['lsbp-austin.com'] }));
  assert.equal(e.fields.forward_external, 'false');
});

test('one bad line never loses the good ones; every error is located', async () => {
  const good = JSON.stringify({ CreationTime: '2026-03-10T02:11:00', Operation: 'FileAccessed', Workload: 'SharePoint', UserId: 'x@y.com' });
  const text = [good, '{"CreationTime": "2026-03-10T02:11:00", "Operation": ', good, '{"foo": 1}', JSON.stringify({ CreationTime: 'yesterday', Operation: 'X', Workload: 'Exchange' }), '[1,2]', good].join('\n');
  const rs = await readText(text);
  assert.deepEqual(rs.map((r) => r.ok ? 'ok' : r.error.code), ['ok', 'JSON_BAD_RECORD', 'ok', 'M365_BAD_RECORD', 'INGEST_BAD_TIME', 'M365_BAD_RECORD', 'ok']);
  const bad = rs[1];
  assert.ok(!bad.ok && bad.error.location?.line === 2 && bad.error.location.record === 2);
  const badTime = rs[4];
  assert.ok(!badTime.ok && badTime.error.location?.path === 'CreationTime' && badTime.error.location.line === 5);
});

test('pretty-printed arrays and concatenated objects split correctly, truncation is reported', async () => {
  const recs = [1, 2, 3].map((i) => ({ CreationTime: `2026-03-10T02:1${i}:00`, Operation: 'FileDownloaded', Workload: 'OneDrive', UserId: `u${i}@y.com`, ObjectId: 'a "quoted" {brace} [x]' }));
  const arr = events(await readText(JSON.stringify(recs, null, 2), undefined, 3));
  assert.deepEqual(arr.map((e) => e.fields.user), ['u1@y.com', 'u2@y.com', 'u3@y.com']);
  const stream = events(await readText(recs.map((r) => JSON.stringify(r, null, 2)).join('\n')));
  assert.equal(stream.length, 3);
  const truncated = await readText(JSON.stringify(recs, null, 2).slice(0, -40));
  assert.deepEqual(truncated.map((r) => r.ok ? 'ok' : r.error.code), ['ok', 'ok', 'M365_BAD_RECORD']);
});

test('time and address helpers', () => {
  assert.equal(parseIsoTime('2021-08-02T13:11:39.7724491Z'), Date.UTC(2021, 7, 2, 13, 11, 39, 772));
  assert.equal(parseIsoTime('2026-03-10T02:11:00-06:00'), Date.UTC(2026, 2, 10, 8, 11));
  assert.equal(parseIsoTime('2026-02-30T00:00:00Z'), undefined);
  assert.equal(parseIsoTime('not a time'), undefined);
  assert.deepEqual(splitIpPort('1.2.3.4:80'), { ip: '1.2.3.4', port: 80 });
  assert.deepEqual(splitIpPort('fe80::1'), { ip: 'fe80::1' });
  assert.deepEqual(splitIpPort('<null>'), {});
});

test('mutated inputs never throw and always end (fast-check)', async () => {
  const fc = await import('fast-check');
  const base = readFileSync(sharedData(DIR, 'AADAuditEvents.json'), 'utf8').slice(0, 6000);
  await fc.assert(fc.asyncProperty(
    fc.array(fc.tuple(fc.nat({ max: base.length }), fc.constantFrom('', '{', '}', '[', ']', '"', '\\', '\n', '\u0000', 'é')), { maxLength: 8 }),
    fc.integer({ min: 1, max: 300 }),
    async (edits, chunk) => {
      let s = base;
      for (const [pos, ins] of edits) s = s.slice(0, pos) + ins + s.slice(pos + (ins === '' ? 1 : 0));
      const rs = await readText(s, undefined, chunk);
      for (const r of rs) if (!r.ok) assert.ok(r.error.location?.file === 'mem.json');
    },
  ), { numRuns: 60 });
});

test('Sentinel SigninLogs rows, Graph directoryAudit, riskDetection and Azure activity records', async () => {
  const sentinel = {
    TenantId: 't', TimeGenerated: '2026-03-09T14:21:09.5Z', OperationName: 'Sign-in activity', Category: 'SignInLogs', ResultType: '50126',
    ResultDescription: 'Invalid username or password or Invalid on-premise username or password.', UserPrincipalName: 'JChen@LoneStarBilling.com', IPAddress: '198.51.100.9',
    AppDisplayName: 'Microsoft Office', ClientAppUsed: 'Exchange ActiveSync', ConditionalAccessStatus: 'notApplied', AuthenticationRequirement: 'singleFactorAuthentication',
    DeviceDetail: '{"deviceId":"","operatingSystem":"Ios","browser":"Mobile Safari","isCompliant":false,"trustType":""}',
    LocationDetails: '{"city":"Austin","state":"Texas","countryOrRegion":"US","geoCoordinates":{"latitude":30.27,"longitude":-97.74}}',
    Status: '{"errorCode":50126,"failureReason":"Invalid username or password."}', Location: 'US', NetworkLocationDetails: '[]', UserAgent: 'iPhone Mail', Type: 'SigninLogs',
  };
  const directoryAudit = {
    id: 'Directory_1', category: 'UserManagement', correlationId: 'c', result: 'failure', resultReason: 'Microsoft.Online.Security.userConsentBlockedForRiskyAppsExceptions',
    activityDisplayName: 'Consent to application', activityDateTime: '2026-03-09T15:00:00Z', loggedByService: 'Core Directory', operationType: 'Assign',
    initiatedBy: { app: null, user: { id: 'u', userPrincipalName: 'jchen@lonestarbilling.com', ipAddress: '198.51.100.9' } },
    targetResources: [{ id: 'sp', displayName: 'PDF Helper', type: 'ServicePrincipal', modifiedProperties: [] }], additionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0' }],
  };
  const risk = { id: 'r1', riskEventType: 'unfamiliarFeatures', riskState: 'atRisk', riskLevel: 'medium', detectedDateTime: '2026-03-09T15:05:00Z', activityDateTime: '2026-03-09T15:04:00Z', userPrincipalName: 'jchen@lonestarbilling.com', ipAddress: '41.58.1.1', location: { city: 'Lagos', countryOrRegion: 'NG' } };
  const activity = { time: '2026-03-09T16:00:00Z', resourceId: '/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/VM1', operationName: 'MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE', category: 'Administrative', resultType: 'Success', callerIpAddress: '203.0.113.4', identity: { claims: { name: 'admin@lonestarbilling.com' } }, properties: { statusCode: 'OK' } };
  const [s, a, r, act] = events(await readText([sentinel, directoryAudit, risk, activity].map((x) => JSON.stringify(x)).join('\n')));
  assert.deepEqual(s.logsource, { product: 'azure', service: 'signinlogs' });
  assert.equal(s.fields.ResultType, 50126);
  assert.equal(s.fields.Status, 'Failure');
  assert.equal(s.fields['Status.errorCode'], 50126);
  assert.equal(s.fields.ClientApp, 'Exchange ActiveSync');
  assert.equal(s.fields['DeviceDetail.isCompliant'], 'false');
  assert.equal(s.fields['DeviceDetail.trusttype'], '');
  assert.equal(s.fields['LocationDetails.city'], 'Austin');
  assert.equal(s.fields.user, 'jchen@lonestarbilling.com');
  assert.equal(s.fields.src_lat, 30.27);
  assert.equal(s.time, Date.UTC(2026, 2, 9, 14, 21, 9, 500));
  assert.deepEqual(a.logsource, { product: 'azure', service: 'auditlogs' });
  assert.equal(a.fields.Status, 'Failure');
  assert.equal(a.fields.failure_status_reason, 'Microsoft.Online.Security.userConsentBlockedForRiskyAppsExceptions');
  assert.equal(a.fields.TargetResources, JSON.stringify(directoryAudit.targetResources));
  assert.equal(a.fields['TargetResources.displayName'], 'PDF Helper');
  assert.equal(a.fields.outcome, 'failure');
  assert.deepEqual(r.logsource, { product: 'azure', service: 'riskdetection' });
  assert.equal(r.fields.riskEventType, 'unfamiliarFeatures');
  assert.equal(r.fields.src_country, 'NG');
  assert.equal(r.time, Date.UTC(2026, 2, 9, 15, 4));
  assert.deepEqual(act.logsource, { product: 'azure', service: 'activitylogs' });
  assert.equal(act.fields.operationName, 'MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE');
  assert.equal(act.fields.ResourceProviderValue, 'MICROSOFT.COMPUTE');
  assert.equal(act.fields.user, 'admin@lonestarbilling.com');
  assert.equal(act.fields.outcome, 'success');
});

test('Purview audit-search CSV export: AuditData rows normalise like the JSON records', async () => {
  const audit = (op: string, extra: Record<string, unknown>): string => JSON.stringify({ CreationTime: '2026-03-10T02:11:00', Id: op, Operation: op, RecordType: 1, ResultStatus: 'True', UserId: 'mlopez@lonestarbilling.com', Workload: 'Exchange', ClientIP: '102.89.34.12:5100', ...extra });
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const csv = [
    'RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames',
    ['a1', '3/10/2026 2:11:00 AM', 'ExchangeAdmin', 'New-InboxRule', 'mlopez@lonestarbilling.com', q(audit('New-InboxRule', { Parameters: [{ Name: 'ForwardTo', Value: 'x@payments-secure.co' }] })), '', ''].join(','),
    ['a2', '3/10/2026 2:12:00 AM', 'ExchangeAdmin', 'Set-Mailbox', 'mlopez@lonestarbilling.com', q('{not json'), '', ''].join(','),
    ['a3', '3/10/2026 2:13:00 AM', 'ExchangeItem', 'MailItemsAccessed', 'mlopez@lonestarbilling.com', q(audit('MailItemsAccessed', {})), '', ''].join(','),
  ].join('\r\n') + '\r\n';
  assert.equal(m365Reader.sniff(new TextEncoder().encode(csv), 'audit_export.csv'), true);
  const rs = await readText(csv, undefined, 50);
  assert.deepEqual(rs.map((r) => r.ok ? r.event.fields.Operation : r.error.code), ['New-InboxRule', 'JSON_BAD_RECORD', 'MailItemsAccessed']);
  const [rule] = events([rs[0]]);
  assert.equal(rule.fields.forward_external, 'true');
  assert.equal(rule.fields.src_ip, '102.89.34.12');
  assert.ok(!rs[1].ok && rs[1].error.location?.line === 3 && rs[1].error.location.path === 'AuditData');
});

test('Entra admin-center sign-in CSV download becomes azure/signinlogs events', async () => {
  const csv = [
    'Date (UTC),Request ID,User,Username,User ID,IP address,Location,Status,Sign-in error code,Failure reason,Client app,Application,Resource,Conditional Access,User agent,Authentication requirement',
    '2026-03-09T14:21:09Z,r1,Dana Ortiz,dortiz@lonestarbilling.com,u1,41.58.1.1,"Lagos, Lagos, NG",Failure,500121,Authentication failed during strong authentication request.,Browser,OfficeHome,Office 365,Not Applied,Mozilla/5.0,Multifactor authentication',
    '2026-03-09T14:25:00Z,r2,Dana Ortiz,dortiz@lonestarbilling.com,u1,41.58.1.1,"Lagos, Lagos, NG",Success,,Other.,Browser,OfficeHome,Office 365,Success,Mozilla/5.0,Multifactor authentication',
  ].join('\n') + '\n';
  assert.equal(m365Reader.sniff(new TextEncoder().encode(csv), 'InteractiveSignIns.csv'), true);
  const [fail, ok] = events(await readText(csv));
  assert.deepEqual(fail.logsource, { product: 'azure', service: 'signinlogs' });
  assert.equal(fail.fields.ResultType, 500121);
  assert.equal(fail.fields.Status, 'Failure');
  assert.equal(fail.fields.src_country, 'NG');
  assert.equal(fail.fields['LocationDetails.city'], 'Lagos');
  assert.equal(fail.fields.conditionalAccessStatus, 'notApplied');
  assert.equal(ok.fields.ResultType, 0);
  assert.equal(ok.fields.outcome, 'success');
  assert.equal(ok.time, Date.UTC(2026, 2, 9, 14, 25));
});

test('a CSV that is neither download is refused with one located error', async () => {
  const rs = await readText('a,b,c\n1,2,3\n');
  assert.equal(rs.length, 1);
  assert.ok(!rs[0].ok && rs[0].error.code === 'M365_BAD_RECORD' && rs[0].error.location?.line === 1);
});
