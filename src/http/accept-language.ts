// The page language for a request that has no session to say it (an unknown link, a rate-limited
// page): the best match of Accept-Language (RFC 9110 §12.5.4) among the page languages, else en.
import { LOCALES, type Locale } from '../core/types.js';

// Norwegian is offered in Bokmål: a browser asking for "no" or Nynorsk reads it best.
const ALIASES: Record<string, Locale> = { no: 'nb', nn: 'nb' };

function supported(tag: string): Locale | null {
  const primary = tag.trim().toLowerCase().split('-')[0];
  if ((LOCALES as readonly string[]).includes(primary)) return primary as Locale;
  return ALIASES[primary] ?? null;
}

export function pickLocale(header: string | string[] | undefined): Locale {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranked = value
    .split(',')
    .map((part, order) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { locale: supported(tag), weight: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((r) => r.locale && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  return ranked[0]?.locale ?? 'en';
}
