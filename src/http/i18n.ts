// The workflow page's words in every page language (API.md §3 `locale`). Provider-specific
// messages (BankID's RFA texts) live with their provider.
import type { Locale } from '../core/types.js';

const en = {
  title: 'Identify yourself',
  title_sign: 'Sign',
  for_customer: 'for {name}',
  demo_intro: 'Demo eID: choose a test person.',
  demo_sign_intro: 'You are asked to sign this text:',
  approve: 'Approve',
  cancel: 'Cancel',
  loading: 'Starting…',
  bound_elsewhere: 'This link was already opened in another browser. Start again from the shop.',
  done_complete: 'Done. You can close this window.',
  done_failed: 'It did not work: {message}',
  done_cancelled: 'Cancelled.',
  done_expired: 'The time ran out. Start again from the shop.',
  continue: 'Continue',
  retry_later: 'Something went wrong. Try again.',
  noscript: 'This page needs JavaScript.',
  go_provider: 'Continue to {provider}',
  qr_help: 'Open the BankID app and scan the QR code.',
  open_here: 'Open BankID on this device',
  other_device: 'BankID on another device',
  same_device: 'BankID on this device',
};

type Messages = typeof en;

const sv: Messages = {
  title: 'Legitimera dig',
  title_sign: 'Signera',
  for_customer: 'för {name}',
  demo_intro: 'Demo-e-legitimation: välj en testperson.',
  demo_sign_intro: 'Du ombeds signera denna text:',
  approve: 'Godkänn',
  cancel: 'Avbryt',
  loading: 'Startar…',
  bound_elsewhere: 'Länken har redan öppnats i en annan webbläsare. Börja om från butiken.',
  done_complete: 'Klart. Du kan stänga fönstret.',
  done_failed: 'Det gick inte: {message}',
  done_cancelled: 'Avbrutet.',
  done_expired: 'Tiden gick ut. Börja om från butiken.',
  continue: 'Fortsätt',
  retry_later: 'Något gick fel. Försök igen.',
  noscript: 'Sidan behöver JavaScript.',
  go_provider: 'Fortsätt till {provider}',
  qr_help: 'Starta BankID-appen och skanna QR-koden.',
  open_here: 'Öppna BankID på den här enheten',
  other_device: 'BankID på annan enhet',
  same_device: 'BankID på den här enheten',
};

const nb: Messages = {
  title: 'Identifiser deg',
  title_sign: 'Signer',
  for_customer: 'for {name}',
  demo_intro: 'Demo-eID: velg en testperson.',
  demo_sign_intro: 'Du blir bedt om å signere denne teksten:',
  approve: 'Godkjenn',
  cancel: 'Avbryt',
  loading: 'Starter…',
  bound_elsewhere: 'Lenken er allerede åpnet i en annen nettleser. Start på nytt fra butikken.',
  done_complete: 'Ferdig. Du kan lukke vinduet.',
  done_failed: 'Det gikk ikke: {message}',
  done_cancelled: 'Avbrutt.',
  done_expired: 'Tiden gikk ut. Start på nytt fra butikken.',
  continue: 'Fortsett',
  retry_later: 'Noe gikk galt. Prøv igjen.',
  noscript: 'Siden trenger JavaScript.',
  go_provider: 'Fortsett til {provider}',
  qr_help: 'Åpne BankID-appen og skann QR-koden.',
  open_here: 'Åpne BankID på denne enheten',
  other_device: 'BankID på en annen enhet',
  same_device: 'BankID på denne enheten',
};

const da: Messages = {
  title: 'Identificér dig',
  title_sign: 'Underskriv',
  for_customer: 'for {name}',
  demo_intro: 'Demo-eID: vælg en testperson.',
  demo_sign_intro: 'Du bliver bedt om at underskrive denne tekst:',
  approve: 'Godkend',
  cancel: 'Annullér',
  loading: 'Starter…',
  bound_elsewhere: 'Linket er allerede åbnet i en anden browser. Start forfra i butikken.',
  done_complete: 'Færdig. Du kan lukke vinduet.',
  done_failed: 'Det lykkedes ikke: {message}',
  done_cancelled: 'Annulleret.',
  done_expired: 'Tiden løb ud. Start forfra i butikken.',
  continue: 'Fortsæt',
  retry_later: 'Noget gik galt. Prøv igen.',
  noscript: 'Siden kræver JavaScript.',
  go_provider: 'Fortsæt til {provider}',
  qr_help: 'Åbn BankID-appen og scan QR-koden.',
  open_here: 'Åbn BankID på denne enhed',
  other_device: 'BankID på en anden enhed',
  same_device: 'BankID på denne enhed',
};

const fi: Messages = {
  title: 'Tunnistaudu',
  title_sign: 'Allekirjoita',
  for_customer: 'palveluun {name}',
  demo_intro: 'Demo-eID: valitse testihenkilö.',
  demo_sign_intro: 'Sinua pyydetään allekirjoittamaan tämä teksti:',
  approve: 'Hyväksy',
  cancel: 'Peruuta',
  loading: 'Käynnistetään…',
  bound_elsewhere: 'Linkki on jo avattu toisessa selaimessa. Aloita alusta kaupasta.',
  done_complete: 'Valmis. Voit sulkea ikkunan.',
  done_failed: 'Ei onnistunut: {message}',
  done_cancelled: 'Peruutettu.',
  done_expired: 'Aika loppui. Aloita alusta kaupasta.',
  continue: 'Jatka',
  retry_later: 'Jokin meni vikaan. Yritä uudelleen.',
  noscript: 'Sivu tarvitsee JavaScriptin.',
  go_provider: 'Jatka palveluun {provider}',
  qr_help: 'Avaa BankID-sovellus ja skannaa QR-koodi.',
  open_here: 'Avaa BankID tällä laitteella',
  other_device: 'BankID toisella laitteella',
  same_device: 'BankID tällä laitteella',
};

export const MESSAGES: Record<Locale, Messages> = { en, sv, nb, da, fi };
export type MessageKey = keyof Messages;

export function t(locale: Locale, key: MessageKey, vars: Record<string, string> = {}): string {
  return MESSAGES[locale][key].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}
