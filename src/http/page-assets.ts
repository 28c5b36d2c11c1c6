// The workflow page's static files. The page names each with a digest of its content
// (/assets/flow.js?v=…), so a page always loads the scripts it was rendered with: after an upgrade
// a cached flow.js of the old release can no longer meet a bankid.js of the new one. A URL that
// names the current digest is cached for good; any other is served fresh and not cached.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface PageAsset {
  type: string;
  body: string;
  version: string;
}

const TYPES = {
  'flow.js': 'text/javascript; charset=utf-8',
  'flow.css': 'text/css; charset=utf-8',
  'bankid.js': 'text/javascript; charset=utf-8',
} as const;
type AssetName = keyof typeof TYPES;

function load(name: AssetName): PageAsset {
  const body = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
  return { type: TYPES[name], body, version: createHash('sha256').update(body).digest('hex').slice(0, 12) };
}

export const PAGE_ASSETS: Readonly<Record<string, PageAsset>> = Object.fromEntries((Object.keys(TYPES) as AssetName[]).map((n) => [n, load(n)]));

/** The URL the page names a file by (a name not in the table does not compile). */
export function assetUrl(name: AssetName): string {
  return `/assets/${name}?v=${PAGE_ASSETS[name].version}`;
}

/** Cache-Control for a request of `name` with `?v=`: for good when it names this content. */
export function assetCaching(asset: PageAsset, v: unknown): string {
  return v === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache';
}
