// The workflow page at redirect_url (API.md §4): server-rendered, one small script, localised,
// readable on a phone and with a screen reader. It carries no personal data.
import type { Session } from '../core/types.js';
import { rfaText } from '../providers/bankid-se/index.js';
import { DEMO_PEOPLE } from '../providers/demo/people.js';
import { esc } from './html.js';
import { MESSAGES, t } from './i18n.js';
import { assetUrl } from './page-assets.js';

const PROVIDER_NAMES: Record<string, string> = {
  'se-bankid': 'BankID',
  'no-bankid': 'BankID (Norge)',
  'dk-mitid': 'MitID',
  'fi-ftn': 'Finnish Trust Network',
  demo: 'Demo eID',
};

function demoStep(s: Session): string {
  const L = s.options.locale;
  const people = DEMO_PEOPLE.map(
    (p, i) => `<li><label><input type="radio" name="person" value="${i}"${i === 0 ? ' checked' : ''}> <span>${esc(p.first_name)} ${esc(p.last_name)}</span> <span class="muted">${esc(p.personal_number)}</span></label></li>`,
  ).join('');
  const sign = s.options.sign ? `<p>${esc(t(L, 'demo_sign_intro'))}</p><blockquote class="sign-text">${esc(s.options.sign.text)}</blockquote>` : '';
  return `<section id="step-demo" class="step" hidden>
  ${sign}<fieldset><legend>${esc(t(L, 'demo_intro'))}</legend><ul class="people">${people}</ul></fieldset>
  <div class="actions"><button type="button" id="approve" class="primary" disabled>${esc(t(L, 'approve'))}</button>
  <button type="button" id="cancel" disabled>${esc(t(L, 'cancel'))}</button></div>
</section>`;
}

// The device question (RFA20) is the choice group's name and comes with the page: with device auto
// it is asked before the order starts (bankid.js), so no order's view can carry it yet.
function bankidStep(s: Session): string {
  const L = s.options.locale;
  const question = rfaText('RFA20', L, s.operation);
  return `<section id="step-bankid" class="step" hidden>
  <div id="bankid-choice" class="actions" role="group" aria-label="${esc(question)}" hidden><button type="button" id="bankid-same" class="primary">${esc(t(L, 'same_device'))}</button>
  <button type="button" id="bankid-other">${esc(t(L, 'other_device'))}</button></div>
  <figure id="bankid-qr-box" hidden><img id="bankid-qr" width="240" height="240" alt="${esc(t(L, 'qr_help'))}"><figcaption>${esc(t(L, 'qr_help'))}</figcaption></figure>
  <div class="actions"><a id="bankid-open" class="button primary" hidden rel="noopener">${esc(t(L, 'open_here'))}</a>
  <button type="button" id="bankid-cancel">${esc(t(L, 'cancel'))}</button></div>
</section>
<script src="${assetUrl('bankid.js')}" defer></script>`;
}

function redirectStep(s: Session): string {
  const L = s.options.locale;
  return `<section id="step-redirect" class="step" hidden>
  <div class="actions"><button type="button" id="go" class="primary">${esc(t(L, 'go_provider', { provider: PROVIDER_NAMES[s.method] ?? s.method }))}</button>
  <button type="button" id="redirect-cancel">${esc(t(L, 'cancel'))}</button></div>
</section>`;
}

export function renderFlowPage(s: Session, customerName: string): string {
  const L = s.options.locale;
  const title = t(L, s.operation === 'sign' ? 'title_sign' : 'title');
  const step = s.method === 'demo' ? demoStep(s) : s.method === 'se-bankid' ? bankidStep(s) : redirectStep(s);
  return `<!doctype html>
<html lang="${esc(L === 'nb' ? 'nb' : L)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} – ${esc(customerName)}</title>
<link rel="stylesheet" href="${assetUrl('flow.css')}">
</head>
<body>
<main id="idb" data-token="${esc(s.page_token)}" data-method="${esc(s.method)}" data-device="${esc(s.options.device)}" data-i18n="${esc(JSON.stringify(MESSAGES[L]))}">
  <h1>${esc(title)}</h1>
  <p class="customer">${esc(t(L, 'for_customer', { name: customerName }))} · ${esc(PROVIDER_NAMES[s.method] ?? s.method)}</p>
  <p id="status" role="status" aria-live="polite">${esc(t(L, 'loading'))}</p>
  ${step}
  <noscript><p>${esc(t(L, 'noscript'))}</p></noscript>
</main>
<script src="${assetUrl('flow.js')}" defer></script>
</body>
</html>`;
}
