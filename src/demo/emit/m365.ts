// Microsoft 365 Unified Audit Log records (Office 365 Management Activity API schema, one JSON
// object per line) and Entra ID sign-ins (Microsoft Graph `signIn` resource, one per line).
import type { Rng } from '../rng.ts';
import type { Sink } from '../sink.ts';
import { TENANT_GUID } from '../company.ts';

export const UAL_FILE = 'm365/unified-audit-log.jsonl';
export const SIGNIN_FILE = 'm365/entra-signins.jsonl';

/** UAL CreationTime has no zone designator; it is UTC. */
function ualTime(t: number): string {
  return new Date(t).toISOString().slice(0, 19);
}

export interface Where {
  ip: string;
  city: string;
  state: string;
  country: string;
  /** Browser / client user agent. */
  userAgent: string;
}

const EXCHANGE_APP = '00000002-0000-0ff1-ce00-000000000000';
const OFFICE_HOME_APP = '4765445b-32c6-49b0-83e6-1d93765276ca';
const OUTLOOK_APP = 'd3590ed6-52b3-4102-aeff-aad2292ab01c';

export class M365Emitter {
  private readonly rng: Rng;
  private readonly sink: Sink;
  private readonly userKeys = new Map<string, string>();
  private readonly objectIds = new Map<string, string>();

  constructor(rng: Rng, sink: Sink) {
    this.rng = rng;
    this.sink = sink;
  }

  private userKey(upn: string): string {
    let k = this.userKeys.get(upn);
    if (!k) { k = '1003' + this.rng.hex(12, true); this.userKeys.set(upn, k); }
    return k;
  }

  private objectId(upn: string): string {
    let k = this.objectIds.get(upn);
    if (!k) { k = this.rng.guid(); this.objectIds.set(upn, k); }
    return k;
  }

  private ual(t: number, rec: Record<string, unknown>): void {
    this.sink.line(UAL_FILE, t, JSON.stringify({
      CreationTime: ualTime(t),
      Id: this.rng.guid(),
      ...rec,
      OrganizationId: TENANT_GUID,
    }));
  }

  userLoggedIn(t: number, upn: string, w: Where, ok: boolean): void {
    this.ual(t, {
      Operation: ok ? 'UserLoggedIn' : 'UserLoginFailed',
      RecordType: 15,
      ResultStatus: ok ? 'Success' : 'Failed',
      UserKey: this.objectId(upn),
      UserType: 0,
      Version: 1,
      Workload: 'AzureActiveDirectory',
      ClientIP: w.ip,
      ObjectId: EXCHANGE_APP,
      UserId: upn,
      AzureActiveDirectoryEventType: 1,
      ExtendedProperties: [
        { Name: 'ResultStatusDetail', Value: ok ? 'Redirect' : 'UserError' },
        { Name: 'UserAgent', Value: w.userAgent },
        { Name: 'RequestType', Value: 'OAuth2:Authorize' },
      ],
      ModifiedProperties: [],
      Actor: [{ ID: this.objectId(upn), Type: 0 }, { ID: upn, Type: 5 }],
      ActorContextId: TENANT_GUID,
      ActorIpAddress: w.ip,
      InterSystemsId: this.rng.guid(),
      IntraSystemId: this.rng.guid(),
      Target: [{ ID: EXCHANGE_APP, Type: 0 }],
      TargetContextId: TENANT_GUID,
      ApplicationId: OUTLOOK_APP,
      ...(ok ? {} : { LogonError: 'InvalidUserNameOrPassword', ErrorNumber: '50126' }),
    });
  }

  mailItemsAccessed(t: number, upn: string, ip: string, client: string, items: number, throttled = false): void {
    this.ual(t, {
      Operation: 'MailItemsAccessed',
      RecordType: 50,
      ResultStatus: 'Succeeded',
      UserKey: this.userKey(upn),
      UserType: 0,
      Version: 1,
      Workload: 'Exchange',
      UserId: upn,
      ClientIPAddress: ip,
      ClientIP: ip,
      ClientInfoString: client,
      ExternalAccess: false,
      InternalLogonType: 0,
      LogonType: 0,
      LogonUserSid: 'S-1-5-21-' + this.rng.digits(10),
      MailboxGuid: this.objectId('mbx:' + upn),
      MailboxOwnerUPN: upn,
      OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }, { Name: 'IsThrottled', Value: throttled ? 'True' : 'False' }],
      OperationCount: items,
      Folders: [{ FolderItems: Array.from({ length: Math.min(items, 3) }, () => ({ InternetMessageId: `<${this.rng.hex(24, true)}@BN0PR11MB${this.rng.digits(4)}.namprd11.prod.outlook.com>`, SizeInBytes: this.rng.int(9000, 480000) })), Path: '\\Inbox' }],
    });
  }

  send(t: number, upn: string, ip: string, subject: string, to: string): void {
    this.ual(t, {
      Operation: 'Send', RecordType: 2, ResultStatus: 'Succeeded', UserKey: this.userKey(upn), UserType: 0, Version: 1,
      Workload: 'Exchange', UserId: upn, ClientIP: ip, ClientIPAddress: ip, ExternalAccess: false,
      Item: { Id: this.rng.hex(40), InternetMessageId: `<${this.rng.hex(24, true)}@namprd11.prod.outlook.com>`, Subject: subject, SizeInBytes: this.rng.int(8000, 250000) },
      MailboxOwnerUPN: upn, Recipients: to,
    });
  }

  fileAccessed(t: number, upn: string, ip: string, userAgent: string, site: string, file: string): void {
    this.ual(t, {
      Operation: 'FileAccessed', RecordType: 6, UserKey: `i:0h.f|membership|${this.rng.hex(16)}@live.com`, UserType: 0, Version: 1,
      Workload: 'SharePoint', ClientIP: ip, ObjectId: `https://lonestarbilling.sharepoint.example/sites/${site}/Shared Documents/${file}`,
      UserId: upn, EventSource: 'SharePoint', ItemType: 'File', ListItemUniqueId: this.rng.guid(), Site: this.rng.guid(),
      UserAgent: userAgent, WebId: this.rng.guid(), SourceFileExtension: file.slice(file.lastIndexOf('.') + 1),
      SiteUrl: `https://lonestarbilling.sharepoint.example/sites/${site}/`, SourceFileName: file, SourceRelativeUrl: 'Shared Documents',
    });
  }

  /** New-InboxRule (cmdlet audit). `forwardTo` / `redirectTo` set the forwarding parameters. */
  newInboxRule(t: number, upn: string, ip: string, rule: { name: string; forwardTo?: string; redirectTo?: string; moveToFolder?: string; from?: string; subjectContains?: string; deleteMessage?: boolean; markAsRead?: boolean }): void {
    const params: { Name: string; Value: string }[] = [{ Name: 'Name', Value: rule.name }];
    if (rule.from) params.push({ Name: 'From', Value: rule.from });
    if (rule.subjectContains) params.push({ Name: rule.forwardTo || rule.redirectTo ? 'SubjectOrBodyContainsWords' : 'SubjectContainsWords', Value: rule.subjectContains });
    if (rule.forwardTo) params.push({ Name: 'ForwardTo', Value: rule.forwardTo });
    if (rule.redirectTo) params.push({ Name: 'RedirectTo', Value: rule.redirectTo });
    if (rule.moveToFolder) params.push({ Name: 'MoveToFolder', Value: rule.moveToFolder });
    if (rule.markAsRead) params.push({ Name: 'MarkAsRead', Value: 'True' });
    if (rule.deleteMessage) params.push({ Name: 'DeleteMessage', Value: 'True' });
    params.push({ Name: 'StopProcessingRules', Value: 'True' });
    this.ual(t, {
      Operation: 'New-InboxRule', RecordType: 1, ResultStatus: 'True', UserKey: this.userKey(upn), UserType: 2, Version: 1,
      Workload: 'Exchange', ClientIP: `${ip}:${this.rng.int(1024, 65000)}`, ObjectId: `NAMPR11A001.PROD.OUTLOOK.COM/Microsoft Exchange Hosted Organizations/lonestarbilling.onmicrosoft.example/${upn.split('@')[0]}\\${rule.name}`,
      UserId: upn, AppId: '00000002-0000-0ff1-ce00-000000000000', ClientAppId: '', ExternalAccess: false,
      OrganizationName: 'lonestarbilling.onmicrosoft.example', OriginatingServer: 'BN0PR11MB5678 (15.20.8158.015)',
      Parameters: params, SessionId: this.rng.guid(),
    });
  }

  /** Set-Mailbox with a forwarding address (mailbox-level forwarding). */
  setMailboxForwarding(t: number, upn: string, ip: string, address: string): void {
    this.ual(t, {
      Operation: 'Set-Mailbox', RecordType: 1, ResultStatus: 'True', UserKey: this.userKey(upn), UserType: 2, Version: 1,
      Workload: 'Exchange', ClientIP: `${ip}:${this.rng.int(1024, 65000)}`, ObjectId: upn.split('@')[0], UserId: upn,
      ExternalAccess: false, OrganizationName: 'lonestarbilling.onmicrosoft.example',
      Parameters: [{ Name: 'Identity', Value: upn }, { Name: 'ForwardingSmtpAddress', Value: `smtp:${address}` }, { Name: 'DeliverToMailboxAndForward', Value: 'True' }],
    });
  }

  /** Entra sign-in (Graph signIn). errorCode 0 = success; 50126 bad password; 50074 MFA required; 500121 MFA denied. */
  signIn(t: number, s: { upn: string; name: string; where: Where; errorCode: number; app?: string; clientApp?: string; mfa?: boolean; os?: string; browser?: string; risk?: 'none' | 'low' | 'medium' | 'high' }): void {
    const failure: Record<number, string> = {
      0: '', 50126: 'Error validating credentials due to invalid username or password.', 50074: 'Strong Authentication is required.',
      500121: 'Authentication failed during strong authentication request.', 50053: 'The account is locked.', 50057: 'The user account is disabled.',
    };
    const risk = s.risk ?? 'none';
    this.sink.line(SIGNIN_FILE, t, JSON.stringify({
      id: this.rng.guid(),
      createdDateTime: new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      userDisplayName: s.name,
      userPrincipalName: s.upn,
      userId: this.objectId(s.upn),
      appId: s.app === 'Office 365 Exchange Online' ? EXCHANGE_APP : OFFICE_HOME_APP,
      appDisplayName: s.app ?? 'OfficeHome',
      ipAddress: s.where.ip,
      clientAppUsed: s.clientApp ?? 'Browser',
      userAgent: s.where.userAgent,
      correlationId: this.rng.guid(),
      conditionalAccessStatus: s.errorCode === 0 ? 'success' : 'notApplied',
      isInteractive: true,
      riskDetail: 'none',
      riskLevelAggregated: risk,
      riskLevelDuringSignIn: risk,
      riskState: risk === 'none' ? 'none' : 'atRisk',
      riskEventTypes_v2: [],
      resourceDisplayName: s.app === 'Office 365 Exchange Online' ? 'Office 365 Exchange Online' : 'Office 365',
      resourceId: EXCHANGE_APP,
      authenticationRequirement: s.mfa === false ? 'singleFactorAuthentication' : 'multiFactorAuthentication',
      status: { errorCode: s.errorCode, failureReason: failure[s.errorCode] ?? 'Other.', additionalDetails: s.errorCode === 0 && s.mfa !== false ? 'MFA requirement satisfied by claim in the token' : null },
      deviceDetail: { deviceId: '', displayName: '', operatingSystem: s.os ?? 'Windows10', browser: s.browser ?? 'Edge 131.0.0', isCompliant: false, isManaged: false, trustType: '' },
      location: { city: s.where.city, state: s.where.state, countryOrRegion: s.where.country, geoCoordinates: {} },
    }));
  }
}
