// The words of the small person-facing pages (person-page.ts) in every page language (API.md §3
// `locale`): the OIDC return's pages and the refused link to the workflow page. A link opened in
// another browser is the workflow page's own message (i18n.ts `bound_elsewhere`), not repeated here.
import type { Locale } from '../core/types.js';

export type PageText =
  // the OIDC return (oidc-pages.ts); an unknown state has no session and so no locale: English
  | 'title_problem' | 'unknown_state' | 'other_browser' | 'link_used' | 'try_again' | 'title_done' | 'close_window'
  // a refused navigation to the workflow page (flow-problem-page.ts)
  | 'refused_title' | 'refused_not_found' | 'refused_rate_limited' | 'refused_other';

const en: Record<PageText, string> = {
  title_problem: 'Sign-in not completed',
  unknown_state: 'This sign-in link is unknown or was already used. Start again from the shop.',
  other_browser: 'This sign-in was started in another browser. Finish it there, or start again from the shop.',
  link_used: 'This link was already used. Go back to the page you came from and press the button again.',
  try_again: 'The identity provider could not be reached. Go back to the page you came from and try again.',
  title_done: 'Done',
  close_window: 'You can close this window.',
  refused_title: 'This link cannot be used',
  refused_not_found: 'This link is unknown or no longer valid. Start again from the shop.',
  refused_rate_limited: 'Too many requests from your network. Wait a minute, then reload the page.',
  refused_other: 'Something went wrong. Reload the page, or start again from the shop.',
};

const sv: Record<PageText, string> = {
  title_problem: 'Inloggningen slutfördes inte',
  unknown_state: 'Den här inloggningslänken är okänd eller redan använd. Börja om från butiken.',
  other_browser: 'Inloggningen startades i en annan webbläsare. Slutför den där eller börja om från butiken.',
  link_used: 'Länken är redan använd. Gå tillbaka till sidan du kom från och tryck på knappen igen.',
  try_again: 'Det gick inte att nå e-legitimationen. Gå tillbaka till sidan du kom från och försök igen.',
  title_done: 'Klart',
  close_window: 'Du kan stänga det här fönstret.',
  refused_title: 'Länken kan inte användas',
  refused_not_found: 'Länken är okänd eller inte längre giltig. Börja om från butiken.',
  refused_rate_limited: 'För många förfrågningar från ditt nätverk. Vänta en minut och ladda sedan om sidan.',
  refused_other: 'Något gick fel. Ladda om sidan eller börja om från butiken.',
};

const nb: Record<PageText, string> = {
  title_problem: 'Innloggingen ble ikke fullført',
  unknown_state: 'Denne innloggingslenken er ukjent eller allerede brukt. Start på nytt fra butikken.',
  other_browser: 'Innloggingen ble startet i en annen nettleser. Fullfør den der, eller start på nytt fra butikken.',
  link_used: 'Lenken er allerede brukt. Gå tilbake til siden du kom fra og trykk på knappen igjen.',
  try_again: 'Vi fikk ikke kontakt med eID-leverandøren. Gå tilbake til siden du kom fra og prøv igjen.',
  title_done: 'Ferdig',
  close_window: 'Du kan lukke dette vinduet.',
  refused_title: 'Lenken kan ikke brukes',
  refused_not_found: 'Lenken er ukjent eller ikke lenger gyldig. Start på nytt fra butikken.',
  refused_rate_limited: 'For mange forespørsler fra nettverket ditt. Vent et minutt, og last deretter inn siden på nytt.',
  refused_other: 'Noe gikk galt. Last inn siden på nytt, eller start på nytt fra butikken.',
};

const da: Record<PageText, string> = {
  title_problem: 'Login blev ikke gennemført',
  unknown_state: 'Dette login-link er ukendt eller allerede brugt. Start forfra i butikken.',
  other_browser: 'Login blev startet i en anden browser. Gør det færdigt der, eller start forfra i butikken.',
  link_used: 'Linket er allerede brugt. Gå tilbage til siden, du kom fra, og tryk på knappen igen.',
  try_again: 'Vi kunne ikke få forbindelse til eID-udbyderen. Gå tilbage til siden, du kom fra, og prøv igen.',
  title_done: 'Færdig',
  close_window: 'Du kan lukke dette vindue.',
  refused_title: 'Linket kan ikke bruges',
  refused_not_found: 'Linket er ukendt eller ikke længere gyldigt. Start forfra i butikken.',
  refused_rate_limited: 'For mange forespørgsler fra dit netværk. Vent et minut, og genindlæs derefter siden.',
  refused_other: 'Noget gik galt. Genindlæs siden, eller start forfra i butikken.',
};

const fi: Record<PageText, string> = {
  title_problem: 'Tunnistautuminen ei onnistunut',
  unknown_state: 'Tunnistautumislinkki on tuntematon tai jo käytetty. Aloita alusta verkkokaupassa.',
  other_browser: 'Tunnistautuminen aloitettiin toisessa selaimessa. Viimeistele se siellä tai aloita alusta verkkokaupassa.',
  link_used: 'Linkki on jo käytetty. Palaa sivulle, jolta tulit, ja paina painiketta uudelleen.',
  try_again: 'Tunnistuspalveluun ei saatu yhteyttä. Palaa sivulle, jolta tulit, ja yritä uudelleen.',
  title_done: 'Valmis',
  close_window: 'Voit sulkea tämän ikkunan.',
  refused_title: 'Linkkiä ei voi käyttää',
  refused_not_found: 'Linkki on tuntematon tai ei ole enää voimassa. Aloita alusta kaupasta.',
  refused_rate_limited: 'Liian monta pyyntöä verkostasi. Odota minuutti ja lataa sitten sivu uudelleen.',
  refused_other: 'Jokin meni vikaan. Lataa sivu uudelleen tai aloita alusta kaupasta.',
};

const TEXTS: Record<Locale, Record<PageText, string>> = { en, sv, nb, da, fi };

export function pageText(locale: Locale, key: PageText): string {
  return TEXTS[locale][key];
}
