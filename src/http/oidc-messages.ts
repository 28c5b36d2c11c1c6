// The words of the OIDC return pages (oidc-pages.ts) in every page language (API.md §3 `locale`).
// An unknown state has no session and so no locale: those pages use English.
import type { Locale } from '../core/types.js';

export type ReturnText = 'title_problem' | 'unknown_state' | 'other_browser' | 'link_used' | 'try_again' | 'title_done' | 'close_window';

const en: Record<ReturnText, string> = {
  title_problem: 'Sign-in not completed',
  unknown_state: 'This sign-in link is unknown or was already used. Start again from the shop.',
  other_browser: 'This sign-in was started in another browser. Finish it there, or start again from the shop.',
  link_used: 'This link was already used. Go back to the page you came from and press the button again.',
  try_again: 'The identity provider could not be reached. Go back to the page you came from and try again.',
  title_done: 'Done',
  close_window: 'You can close this window.',
};

const sv: Record<ReturnText, string> = {
  title_problem: 'Inloggningen slutfördes inte',
  unknown_state: 'Den här inloggningslänken är okänd eller redan använd. Börja om från butiken.',
  other_browser: 'Inloggningen startades i en annan webbläsare. Slutför den där eller börja om från butiken.',
  link_used: 'Länken är redan använd. Gå tillbaka till sidan du kom från och tryck på knappen igen.',
  try_again: 'Det gick inte att nå e-legitimationen. Gå tillbaka till sidan du kom från och försök igen.',
  title_done: 'Klart',
  close_window: 'Du kan stänga det här fönstret.',
};

const nb: Record<ReturnText, string> = {
  title_problem: 'Innloggingen ble ikke fullført',
  unknown_state: 'Denne innloggingslenken er ukjent eller allerede brukt. Start på nytt fra butikken.',
  other_browser: 'Innloggingen ble startet i en annen nettleser. Fullfør den der, eller start på nytt fra butikken.',
  link_used: 'Lenken er allerede brukt. Gå tilbake til siden du kom fra og trykk på knappen igjen.',
  try_again: 'Vi fikk ikke kontakt med eID-leverandøren. Gå tilbake til siden du kom fra og prøv igjen.',
  title_done: 'Ferdig',
  close_window: 'Du kan lukke dette vinduet.',
};

const da: Record<ReturnText, string> = {
  title_problem: 'Login blev ikke gennemført',
  unknown_state: 'Dette login-link er ukendt eller allerede brugt. Start forfra i butikken.',
  other_browser: 'Login blev startet i en anden browser. Gør det færdigt der, eller start forfra i butikken.',
  link_used: 'Linket er allerede brugt. Gå tilbage til siden, du kom fra, og tryk på knappen igen.',
  try_again: 'Vi kunne ikke få forbindelse til eID-udbyderen. Gå tilbage til siden, du kom fra, og prøv igen.',
  title_done: 'Færdig',
  close_window: 'Du kan lukke dette vindue.',
};

const fi: Record<ReturnText, string> = {
  title_problem: 'Tunnistautuminen ei onnistunut',
  unknown_state: 'Tunnistautumislinkki on tuntematon tai jo käytetty. Aloita alusta verkkokaupassa.',
  other_browser: 'Tunnistautuminen aloitettiin toisessa selaimessa. Viimeistele se siellä tai aloita alusta verkkokaupassa.',
  link_used: 'Linkki on jo käytetty. Palaa sivulle, jolta tulit, ja paina painiketta uudelleen.',
  try_again: 'Tunnistuspalveluun ei saatu yhteyttä. Palaa sivulle, jolta tulit, ja yritä uudelleen.',
  title_done: 'Valmis',
  close_window: 'Voit sulkea tämän ikkunan.',
};

const TEXTS: Record<Locale, Record<ReturnText, string>> = { en, sv, nb, da, fi };

export function returnText(locale: Locale | null, key: ReturnText): string {
  return TEXTS[locale ?? 'en'][key];
}
