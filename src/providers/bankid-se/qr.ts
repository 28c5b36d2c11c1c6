// Animated QR code of BankID RP API v6 (integration guide, "QR code"; reference §1.7):
// content is `bankid.<qrStartToken>.<qrTime>.<qrAuthCode>`, where qrTime is the whole number of
// seconds since the order started and qrAuthCode is lowercase hex HMAC-SHA256 keyed with the ASCII
// bytes of qrStartSecret over the ASCII decimal qrTime. The code changes every second.
import { createHmac, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';

export function qrAuthCode(qrStartSecret: string, seconds: number): string {
  return createHmac('sha256', Buffer.from(qrStartSecret, 'ascii'))
    .update(String(seconds), 'ascii')
    .digest('hex');
}

export function qrData(qrStartToken: string, qrStartSecret: string, seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `bankid.${qrStartToken}.${whole}.${qrAuthCode(qrStartSecret, whole)}`;
}

/** qrTime for an order that started at `startedAt`, seen at `now`. */
export function qrSecondsAt(startedAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - startedAt.getTime()) / 1000));
}

export function qrDataAt(
  order: { qrStartToken: string; qrStartSecret: string },
  startedAt: Date,
  now: Date,
): string {
  return qrData(order.qrStartToken, order.qrStartSecret, qrSecondsAt(startedAt, now));
}

export interface ParsedQr {
  qrStartToken: string;
  seconds: number;
  authCode: string;
}

export function parseQrData(data: string): ParsedQr | null {
  const match = /^bankid\.([^.]+)\.(\d{1,9})\.([0-9a-f]{64})$/.exec(data);
  if (!match) return null;
  return { qrStartToken: match[1], seconds: Number(match[2]), authCode: match[3] };
}

/** Constant-time check of a scanned code's HMAC against the order's secret. */
export function qrAuthCodeMatches(parsed: ParsedQr, qrStartSecret: string): boolean {
  const expected = Buffer.from(qrAuthCode(qrStartSecret, parsed.seconds), 'hex');
  const given = Buffer.from(parsed.authCode, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** SVG image of the QR content; error correction L keeps the animated code easy to scan. */
export async function qrSvg(data: string, options: { margin?: number; width?: number } = {}): Promise<string> {
  return QRCode.toString(data, {
    type: 'svg',
    errorCorrectionLevel: 'L',
    margin: options.margin ?? 2,
    width: options.width,
  });
}
