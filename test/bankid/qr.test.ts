import { describe, expect, it } from 'vitest';
import { parseQrData, qrAuthCode, qrAuthCodeMatches, qrData, qrDataAt, qrSvg } from '../../src/providers/bankid-se/qr.js';

// BankID's published test vector (reference §1.7).
const TOKEN = '67df3917-fa0d-44e5-b327-edcc928297f8';
const SECRET = 'd28db9a7-4cde-429e-a983-359be676944c';
const VECTOR = [
  'dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8',
  '949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2',
  'a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3',
];

describe('animated QR', () => {
  it('matches BankID published test vector', () => {
    VECTOR.forEach((code, seconds) => {
      expect(qrAuthCode(SECRET, seconds)).toBe(code);
      expect(qrData(TOKEN, SECRET, seconds)).toBe(`bankid.${TOKEN}.${seconds}.${code}`);
    });
  });

  it('counts whole seconds since the order started', () => {
    const start = new Date('2026-01-01T00:00:00.000Z');
    const at = (ms: number) => qrDataAt({ qrStartToken: TOKEN, qrStartSecret: SECRET }, start, new Date(start.getTime() + ms));
    expect(at(999)).toBe(`bankid.${TOKEN}.0.${VECTOR[0]}`);
    expect(at(2500)).toBe(`bankid.${TOKEN}.2.${VECTOR[2]}`);
  });

  it('parses and checks a scanned code', () => {
    const parsed = parseQrData(qrData(TOKEN, SECRET, 1));
    expect(parsed).toEqual({ qrStartToken: TOKEN, seconds: 1, authCode: VECTOR[1] });
    expect(qrAuthCodeMatches(parsed!, SECRET)).toBe(true);
    expect(qrAuthCodeMatches({ ...parsed!, seconds: 2 }, SECRET)).toBe(false);
    expect(parseQrData('bankid.x.1.nothex')).toBeNull();
  });

  it('renders an SVG image', async () => {
    const svg = await qrSvg(qrData(TOKEN, SECRET, 0));
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
  });
});
