// Request and response bodies of BankID RP API v6.0 (developers.bankid.com API reference;
// shared reference §1.2–§1.5). Field names are BankID's own (camelCase).

export type HintCode =
  | 'outstandingTransaction'
  | 'noClient'
  | 'started'
  | 'userMrtd'
  | 'userCallConfirm'
  | 'userSign'
  | 'expiredTransaction'
  | 'certificateErr'
  | 'userCancel'
  | 'cancelled'
  | 'startFailed'
  | 'userDeclinedCall'
  | 'notSupportedByUserApp'
  | 'transactionRiskBlocked'
  // BankID may add codes at any time (reference §1.4): tolerate them.
  | (string & {});

export type ErrorCode =
  | 'alreadyInProgress'
  | 'invalidParameters'
  | 'unauthorized'
  | 'notFound'
  | 'methodNotAllowed'
  | 'requestTimeout'
  | 'unsupportedMediaType'
  | 'tooManyRequests'
  | 'internalError'
  | 'maintenance'
  | (string & {});

export interface Requirement {
  pinCode?: boolean;
  mrtd?: boolean;
  cardReader?: 'class1' | 'class2';
  certificatePolicies?: string[];
  /** 12 digits; restricts who may complete, never starts the app. */
  personalNumber?: string;
}

/** Device data for BankID's risk assessment; send `web` or `app`, never both. */
export interface WebDeviceData {
  referringDomain: string;
  userAgent: string;
  deviceIdentifier: string;
}

export interface AppDeviceData {
  appIdentifier: string;
  deviceOS: string;
  deviceModelName: string;
  deviceIdentifier: string;
}

export interface AuthRequest {
  endUserIp: string;
  requirement?: Requirement;
  /** Base64 of UTF-8 text. */
  userVisibleData?: string;
  userNonVisibleData?: string;
  userVisibleDataFormat?: 'simpleMarkdownV1';
  returnUrl?: string;
  returnRisk?: boolean;
  web?: WebDeviceData;
  app?: AppDeviceData;
}

export interface SignRequest extends AuthRequest {
  userVisibleData: string;
}

export interface OrderResponse {
  orderRef: string;
  autoStartToken: string;
  qrStartToken: string;
  qrStartSecret: string;
}

export type CallInitiator = 'user' | 'RP';

export interface PhoneAuthRequest {
  personalNumber: string;
  callInitiator: CallInitiator;
  requirement?: Pick<Requirement, 'pinCode' | 'mrtd' | 'certificatePolicies'>;
  userVisibleData?: string;
  userNonVisibleData?: string;
  userVisibleDataFormat?: 'simpleMarkdownV1';
}

export interface PhoneSignRequest extends PhoneAuthRequest {
  userVisibleData: string;
}

export interface PhoneOrderResponse {
  orderRef: string;
}

export interface CollectRequest {
  orderRef: string;
}

export interface CancelRequest {
  orderRef: string;
}

export type CancelResponse = Record<string, never>;

export interface CompletionUser {
  personalNumber: string;
  name: string;
  givenName: string;
  surname: string;
}

export interface CompletionData {
  user: CompletionUser;
  device: { ipAddress: string; uhi?: string };
  /** YYYY-MM-DD */
  bankIdIssueDate: string;
  stepUp?: { mrtd: boolean };
  /** Base64 XML-DSig. */
  signature: string;
  /** Base64 DER OCSP response. */
  ocspResponse: string;
  risk?: 'low' | 'moderate' | 'high' | (string & {});
}

export type CollectResponse =
  | { orderRef: string; status: 'pending'; hintCode: HintCode }
  | { orderRef: string; status: 'failed'; hintCode: HintCode }
  | { orderRef: string; status: 'complete'; completionData: CompletionData };

export interface ErrorBody {
  errorCode: ErrorCode;
  details: string;
}
