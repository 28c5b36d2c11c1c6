// Builds the RP API request of a session start (reference §1.3): sign text as userVisibleData
// (Base64 of UTF-8), markdown as simpleMarkdownV1, hidden data as userNonVisibleData, the
// personal number only as a requirement (secure start: never to start the app).
import { createHash } from 'node:crypto';
import type { StartContext } from '../contract.js';
import type { AuthRequest, PhoneAuthRequest, WebDeviceData } from './types.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function visibleData(ctx: StartContext): Pick<AuthRequest, 'userVisibleData' | 'userNonVisibleData' | 'userVisibleDataFormat'> {
  const sign = ctx.options.sign;
  if (ctx.operation !== 'sign' || !sign) return {};
  return {
    userVisibleData: b64(sign.text),
    ...(sign.format === 'markdown' ? { userVisibleDataFormat: 'simpleMarkdownV1' as const } : {}),
    // hidden_data is already Base64 (API.md §3), exactly what BankID expects.
    ...(sign.hidden_data ? { userNonVisibleData: sign.hidden_data } : {}),
  };
}

/**
 * `web` device data for BankID's risk assessment (reference §1.3). The identifier should be a
 * stable per-device value; until the broker passes one, a digest of IP and user agent stands in.
 */
export function webDeviceData(ctx: StartContext, deviceIdentifier?: string | null): WebDeviceData | undefined {
  if (!ctx.user_agent || ctx.flow !== 'browser') return undefined;
  const host = safeHost(ctx.callback_url);
  if (!host || host.length < 3) return undefined;
  return {
    referringDomain: host.slice(0, 253),
    userAgent: ctx.user_agent.slice(0, 256),
    deviceIdentifier: (deviceIdentifier ?? createHash('sha256').update(`${ctx.end_user_ip}|${ctx.user_agent}`).digest('hex')).slice(0, 64),
  };
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

/**
 * Where the app returns the person after an autostarted order (reference §1.3, §1.8: returnUrl
 * wins over the deprecated launch-URL `redirect`): the merchant's app for headless, else our page.
 * The page URL carries the 160-bit page token, which serves as BankID's recommended nonce.
 */
function returnUrl(ctx: StartContext): { returnUrl?: string } {
  const url = ctx.options.return_url ?? (ctx.flow === 'browser' ? ctx.page_url : null);
  return url && url.length <= 512 ? { returnUrl: url } : {};
}

export function authOrSignRequest(ctx: StartContext, deviceIdentifier?: string | null): AuthRequest {
  const web = webDeviceData(ctx, deviceIdentifier);
  return {
    endUserIp: ctx.end_user_ip,
    ...(ctx.personal_number ? { requirement: { personalNumber: ctx.personal_number } } : {}),
    ...visibleData(ctx),
    ...returnUrl(ctx),
    returnRisk: true,
    ...(web ? { web } : {}),
  };
}

export function phoneRequest(ctx: StartContext): PhoneAuthRequest {
  return {
    personalNumber: ctx.personal_number ?? '',
    callInitiator: ctx.options.phone?.call_initiator === 'rp' ? 'RP' : 'user',
    ...visibleData(ctx),
  };
}

export function launchUrl(autoStartToken: string): string {
  // Reference §1.8: the universal link; redirect=null because returnUrl carries the way back.
  return `https://app.bankid.com/?autostarttoken=${encodeURIComponent(autoStartToken)}&redirect=null`;
}
