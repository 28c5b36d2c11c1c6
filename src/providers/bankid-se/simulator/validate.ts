// Field checks of the RP API with BankID's `details` strings, as observed against the test
// service (reference §1.3, §1.5).
import { isIP } from 'node:net';
import type { CallInitiator, Requirement } from '../types.js';
import { SimError } from './sim-error.js';

type Body = Record<string, unknown>;

const invalid = (details: string) => new SimError(400, 'invalidParameters', details);
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBase64 = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0;

export function checkPersonalNumber(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{12}$/.test(value)) throw invalid('Incorrect personalNumber');
  return value;
}

function checkRequirement(value: unknown): Requirement {
  if (value === undefined) return {};
  if (!isObject(value)) throw invalid('Invalid requirement');
  const { pinCode, mrtd, cardReader, certificatePolicies, personalNumber } = value;
  const bools = [pinCode, mrtd].every((b) => b === undefined || typeof b === 'boolean');
  const reader = cardReader === undefined || cardReader === 'class1' || cardReader === 'class2';
  const policies = certificatePolicies === undefined || (Array.isArray(certificatePolicies) && certificatePolicies.every((p) => typeof p === 'string'));
  if (!bools || !reader || !policies) throw invalid('Invalid requirement');
  if (personalNumber !== undefined) checkPersonalNumber(personalNumber);
  return value as Requirement;
}

/** userVisibleData (+ format) and userNonVisibleData, shared by every order kind. */
function checkTexts(body: Body, kind: 'auth' | 'sign') {
  const { userVisibleData, userNonVisibleData, userVisibleDataFormat } = body;
  const limit = kind === 'sign' ? 40_000 : 1_500;
  if (userVisibleData !== undefined && (!isBase64(userVisibleData) || userVisibleData.length > limit)) {
    throw invalid('Invalid userVisibleData');
  }
  if (kind === 'sign' && userVisibleData === undefined) throw invalid('Invalid userVisibleData');
  if (userNonVisibleData !== undefined) {
    if (userVisibleData === undefined) throw invalid('userNonVisible data requires userVisibleData');
    if (!isBase64(userNonVisibleData) || userNonVisibleData.length > 200_000) throw invalid('Invalid userNonVisibleData');
  }
  if (userVisibleDataFormat !== undefined && userVisibleDataFormat !== 'simpleMarkdownV1') {
    throw invalid('Invalid userVisibleDataFormat');
  }
  return {
    userVisibleData: userVisibleData as string | undefined,
    userNonVisibleData: userNonVisibleData as string | undefined,
    userVisibleDataFormat: userVisibleDataFormat as string | undefined,
  };
}

function checkDevice(body: Body): void {
  if (body.web !== undefined && body.app !== undefined) throw invalid('Only one of web and app is allowed');
  if (body.web !== undefined) {
    const web = body.web;
    const ok = isObject(web) && typeof web.referringDomain === 'string' && web.referringDomain.length >= 3 && web.referringDomain.length <= 253
      && typeof web.userAgent === 'string' && web.userAgent.length <= 256
      && typeof web.deviceIdentifier === 'string' && web.deviceIdentifier.length <= 64;
    if (!ok) throw invalid('Invalid web');
  }
  if (body.app !== undefined && !isObject(body.app)) throw invalid('Invalid app');
}

export function checkAuthOrSign(body: Body, kind: 'auth' | 'sign') {
  if (typeof body.endUserIp !== 'string' || isIP(body.endUserIp) === 0) throw invalid('Invalid endUserIp');
  const requirement = checkRequirement(body.requirement);
  const texts = checkTexts(body, kind);
  if (body.returnUrl !== undefined && (typeof body.returnUrl !== 'string' || body.returnUrl.length > 512)) {
    throw invalid('Invalid returnUrl');
  }
  if (body.returnRisk !== undefined && typeof body.returnRisk !== 'boolean') throw invalid('Invalid returnRisk');
  checkDevice(body);
  return {
    endUserIp: body.endUserIp,
    requirement,
    personalNumber: requirement.personalNumber ?? null,
    returnRisk: body.returnRisk === true,
    returnUrl: typeof body.returnUrl === 'string' ? body.returnUrl : null,
    ...texts,
  };
}

export function checkPhone(body: Body, kind: 'auth' | 'sign') {
  const personalNumber = checkPersonalNumber(body.personalNumber);
  if (body.callInitiator !== 'user' && body.callInitiator !== 'RP') throw invalid('Incorrect callInitiator');
  const requirement = checkRequirement(body.requirement);
  const callInitiator: CallInitiator = body.callInitiator;
  return { personalNumber, callInitiator, requirement, ...checkTexts(body, kind) };
}

export function checkOrderRef(body: Body): string {
  if (typeof body.orderRef !== 'string' || body.orderRef.length === 0) throw invalid('Invalid orderRef');
  return body.orderRef;
}
