// The words of the workflow page's own refusal page (flow-problem-page.ts) in every page language.
import type { Locale } from '../core/types.js';

export type ProblemText = 'title' | 'not_found' | 'forbidden' | 'rate_limited' | 'other';

const TEXTS: Record<Locale, Record<ProblemText, string>> = {
  en: {
    title: 'This link cannot be used',
    not_found: 'This link is unknown or no longer valid. Start again from the shop.',
    forbidden: 'This link was already opened in another browser. Finish there, or start again from the shop.',
    rate_limited: 'Too many requests from your network. Wait a minute, then reload the page.',
    other: 'Something went wrong. Reload the page, or start again from the shop.',
  },
  sv: {
    title: 'Länken kan inte användas',
    not_found: 'Länken är okänd eller inte längre giltig. Börja om från butiken.',
    forbidden: 'Länken har redan öppnats i en annan webbläsare. Slutför där eller börja om från butiken.',
    rate_limited: 'För många förfrågningar från ditt nätverk. Vänta en minut och ladda sedan om sidan.',
    other: 'Något gick fel. Ladda om sidan eller börja om från butiken.',
  },
  nb: {
    title: 'Lenken kan ikke brukes',
    not_found: 'Lenken er ukjent eller ikke lenger gyldig. Start på nytt fra butikken.',
    forbidden: 'Lenken er allerede åpnet i en annen nettleser. Fullfør der, eller start på nytt fra butikken.',
    rate_limited: 'For mange forespørsler fra nettverket ditt. Vent et minutt, og last deretter inn siden på nytt.',
    other: 'Noe gikk galt. Last inn siden på nytt, eller start på nytt fra butikken.',
  },
  da: {
    title: 'Linket kan ikke bruges',
    not_found: 'Linket er ukendt eller ikke længere gyldigt. Start forfra i butikken.',
    forbidden: 'Linket er allerede åbnet i en anden browser. Gør det færdigt der, eller start forfra i butikken.',
    rate_limited: 'For mange forespørgsler fra dit netværk. Vent et minut, og genindlæs derefter siden.',
    other: 'Noget gik galt. Genindlæs siden, eller start forfra i butikken.',
  },
  fi: {
    title: 'Linkkiä ei voi käyttää',
    not_found: 'Linkki on tuntematon tai ei ole enää voimassa. Aloita alusta kaupasta.',
    forbidden: 'Linkki on jo avattu toisessa selaimessa. Viimeistele siellä tai aloita alusta kaupasta.',
    rate_limited: 'Liian monta pyyntöä verkostasi. Odota minuutti ja lataa sitten sivu uudelleen.',
    other: 'Jokin meni vikaan. Lataa sivu uudelleen tai aloita alusta kaupasta.',
  },
};

export function problemText(locale: Locale, key: ProblemText): string {
  return TEXTS[locale][key];
}

/** Which text a refused page shows, from the problem's status (API.md §6). */
export function problemKey(status: number): Exclude<ProblemText, 'title'> {
  if (status === 404 || status === 400) return 'not_found';
  if (status === 403 || status === 409) return 'forbidden';
  if (status === 429) return 'rate_limited';
  return 'other';
}
