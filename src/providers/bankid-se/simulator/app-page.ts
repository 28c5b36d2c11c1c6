// GET /app: the simulated phone for people: pending orders, a test person, approve or cancel.
// Everything the page shows comes from GET /app/orders and is written with textContent.
export const DEFAULT_TEST_PERSON = '199001011239';

export function appPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>BankID simulator app</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#193e4f}
li{border:1px solid #ccd;border-radius:.5rem;padding:.75rem;margin:.5rem 0;list-style:none}
button{margin-right:.5rem;padding:.4rem .9rem}
#msg{min-height:1.5rem}
</style></head>
<body>
<h1>BankID simulator</h1>
<p>Test person (any 12-digit personal number with a valid check digit):
<input id="pnr" value="${DEFAULT_TEST_PERSON}" size="14" autocomplete="off"></p>
<p id="msg" role="status"></p>
<section id="autostart" hidden>
<h2>Started from this device</h2>
<p id="autostart-text"></p>
<button id="approve-autostart">Approve</button><button id="cancel-autostart">Cancel</button>
</section>
<h2>Pending orders</h2>
<ul id="orders"></ul>
<script>
const list = document.getElementById('orders');
const msg = document.getElementById('msg');
async function act(ref, action) {
  const r = await fetch('/app/orders/' + encodeURIComponent(ref), {
    method: 'POST', headers: {'content-type': 'application/json'},
    body: JSON.stringify({personal_number: document.getElementById('pnr').value.trim(), action})});
  const body = await r.json();
  msg.textContent = r.ok ? 'Order ' + body.status + (body.status === 'pending' ? ' (' + body.hint_code + ')' : '') : body.message;
  load();
}
function button(label, ref, action) {
  const b = document.createElement('button');
  b.textContent = label; b.onclick = () => act(ref, action); return b;
}
async function load() {
  const r = await fetch('/app/orders');
  const { data } = await r.json();
  list.replaceChildren(...data.map((o) => {
    const li = document.createElement('li');
    const title = document.createElement('div');
    title.textContent = (o.kind === 'sign' ? 'Sign' : 'Identify') + (o.phone ? ' (phone)' : '') + ' for ' + o.rp_name + ' · ' + o.hint_code;
    li.append(title);
    if (o.visible_text) { const p = document.createElement('pre'); p.textContent = o.visible_text; li.append(p); }
    li.append(button('Approve', o.order_ref, 'approve'), button('Cancel', o.order_ref, 'cancel'), button('Hold', o.order_ref, 'hold'));
    return li;
  }));
  if (data.length === 0) { const li = document.createElement('li'); li.textContent = 'No pending orders.'; list.append(li); }
}
// bankid:///?autostarttoken=… opens the real app; in simulated mode the broker's page opens
// /app?autostarttoken=… instead, and the app returns the person to the order's returnUrl.
const query = new URLSearchParams(location.search);
const token = query.get('autostarttoken');
async function autostart(action) {
  const r = await fetch('/app/autostart', {
    method: 'POST', headers: {'content-type': 'application/json'},
    body: JSON.stringify({auto_start_token: token, personal_number: document.getElementById('pnr').value.trim(), action})});
  const body = await r.json();
  msg.textContent = r.ok ? 'Order ' + body.status : body.message;
  const back = r.ok ? (body.return_url || query.get('redirect')) : null;
  if (back && back !== 'null' && /^https?:/.test(back)) location.assign(back);
  load();
}
if (token) {
  document.getElementById('autostart').hidden = false;
  document.getElementById('autostart-text').textContent = 'Identify or sign with the test person above.';
  document.getElementById('approve-autostart').onclick = () => autostart('approve');
  document.getElementById('cancel-autostart').onclick = () => autostart('cancel');
}
load(); setInterval(load, 2000);
</script>
</body></html>`;
}
