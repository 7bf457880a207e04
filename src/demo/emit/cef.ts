// FortiGate firewall and SSL-VPN events as CEF lines (ArcSight Common Event Format, version 0).
// Header fields escape "|" and "\"; extension values escape "=", "\" and newlines.
import type { Rng } from '../rng.ts';
import type { Sink } from '../sink.ts';

export const CEF_FILE = 'network/fortigate.cef';
const DEVICE = 'CEF:0|Fortinet|FortiGate-100F|v7.2.8';
const SERIAL = 'FG100FTK2290XXXX';

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/=/g, '\\=').replace(/\r?\n/g, '\\n');
}

export interface VpnLogin {
  user: string;
  ip: string;
  country: string;
  city?: string;
  /** Tunnel address assigned on success. */
  tunnelIp?: string;
}

export class CefEmitter {
  private readonly rng: Rng;
  private readonly sink: Sink;
  private session = 4_100_000;

  constructor(rng: Rng, sink: Sink) {
    this.rng = rng;
    this.sink = sink;
  }

  private emit(t: number, sigId: string, name: string, severity: number, ext: Record<string, string | number>): void {
    const parts = [`rt=${Math.round(t)}`, `deviceExternalId=${SERIAL}`, `dvchost=LSBP-FW01`];
    for (const [k, v] of Object.entries(ext)) parts.push(`${k}=${esc(String(v))}`);
    this.sink.line(CEF_FILE, t, `${DEVICE}|${sigId}|${name}|${severity}|${parts.join(' ')}`);
  }

  vpnLoginFailed(t: number, l: VpnLogin, reason = 'sslvpn_login_permission_denied'): void {
    this.emit(t, '0101039426', 'SSL VPN login fail', 5, {
      cat: 'event:vpn', act: 'ssl-login-fail', outcome: 'failure', suser: l.user, src: l.ip, spt: this.rng.int(30000, 65000),
      dst: '198.51.100.21', dpt: 10443, cs1Label: 'tunneltype', cs1: 'ssl-tunnel', cs2Label: 'srccountry', cs2: l.country,
      reason, msg: `SSL user failed to logged in`,
    });
  }

  /** Successful login; returns the tunnel address. */
  vpnLogin(t: number, l: VpnLogin): void {
    this.emit(t, '0101039947', 'SSL VPN tunnel up', 3, {
      cat: 'event:vpn', act: 'tunnel-up', outcome: 'success', suser: l.user, src: l.ip, spt: this.rng.int(30000, 65000),
      dst: '198.51.100.21', dpt: 10443, cs1Label: 'tunneltype', cs1: 'ssl-tunnel', cs2Label: 'srccountry', cs2: l.country,
      cs3Label: 'tunnelip', cs3: l.tunnelIp ?? '', msg: 'SSL tunnel established',
    });
  }

  vpnLogout(t: number, l: VpnLogin, bytesIn: number, bytesOut: number): void {
    this.emit(t, '0101039948', 'SSL VPN tunnel down', 3, {
      cat: 'event:vpn', act: 'tunnel-down', outcome: 'success', suser: l.user, src: l.ip, dst: '198.51.100.21', dpt: 10443,
      cs1Label: 'tunneltype', cs1: 'ssl-tunnel', cs2Label: 'srccountry', cs2: l.country, cs3Label: 'tunnelip', cs3: l.tunnelIp ?? '',
      in: bytesIn, out: bytesOut, msg: 'SSL tunnel shutdown',
    });
  }

  traffic(t: number, o: { src: string; dst: string; dpt: number; proto: 6 | 17; action: 'accept' | 'deny'; country: string; app?: string; policy: number }): void {
    const session = (this.session += this.rng.int(1, 500));
    this.emit(t, o.action === 'deny' ? '0000000013' : '0000000013', o.action === 'deny' ? 'forward traffic denied' : 'forward traffic accepted', o.action === 'deny' ? 4 : 3, {
      cat: 'traffic:forward', act: o.action, src: o.src, spt: this.rng.int(1024, 65000), dst: o.dst, dpt: o.dpt, proto: o.proto,
      cs2Label: 'srccountry', cs2: o.country, cn1Label: 'policyid', cn1: o.policy, externalId: session,
      ...(o.app ? { app: o.app } : {}),
      ...(o.action === 'accept' ? { in: this.rng.int(800, 400000), out: this.rng.int(400, 90000) } : {}),
    });
  }
}
