// The person's side of a test IdP: a plain HTML page listing test people with "Log in" and "Cancel"
// (cancel answers access_denied to the client, as the real providers do).
import type { TestPerson } from './people.js';

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LoginPageInput {
  uid: string;
  title: string;
  client_id: string;
  people: TestPerson[];
  acr_values: string[];
  /** Preselected acr: the first acr_values entry the client asked for that the IdP offers. */
  acr: string;
}

function personOption(person: TestPerson, index: number): string {
  const checked = index === 0 ? ' checked' : '';
  return `<li><label><input type="radio" name="person" value="${esc(person.id)}"${checked}> ${esc(person.label)}</label></li>`;
}

function acrOption(value: string, chosen: string): string {
  return `<option value="${esc(value)}"${value === chosen ? ' selected' : ''}>${esc(value)}</option>`;
}

export function loginPage(input: LoginPageInput): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title></head>
<body>
<h1>${esc(input.title)}</h1>
<p>Test identity provider. Client: <code>${esc(input.client_id)}</code></p>
<form method="post" action="/interaction/${esc(input.uid)}/login">
  <ul>${input.people.map(personOption).join('')}</ul>
  <label>Level <select name="acr">${input.acr_values.map((v) => acrOption(v, input.acr)).join('')}</select></label>
  <button type="submit">Log in</button>
</form>
<form method="post" action="/interaction/${esc(input.uid)}/cancel"><button type="submit">Cancel</button></form>
</body></html>`;
}

/** The acr the page preselects: what the client asked for (acr_values, MitID loa_value), if offered; else the strongest. */
export function preselectedAcr(offered: string[], asked: unknown): string {
  const wanted = typeof asked === 'string' ? asked.split(' ') : [];
  for (const value of wanted) {
    const match = offered.find((o) => o === value || o.startsWith(`${value};`));
    if (match) return match;
  }
  return offered[0];
}
