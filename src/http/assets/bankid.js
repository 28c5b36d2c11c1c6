// The Swedish BankID step of the workflow page (API.md §4; BankID reference §1.7–§1.9).
// flow.js calls IDBridgeSteps['se-bankid'](state, api) on every state it receives; this script
// keeps its own little state between calls. Plain ES2020, served with CSP script-src 'self'.
(function () {
  'use strict';
  var steps = (window.IDBridgeSteps = window.IDBridgeSteps || {});
  var root = document.getElementById('idb');
  // device=auto asks; same_device / other_device skip the question (API.md §3 `device`).
  var mode = root.dataset.device === 'same_device' ? 'same' : root.dataset.device === 'other_device' ? 'other' : null;
  var forced = mode !== null;
  var retrying = false;
  var api = null;
  var view = null;
  var progress = null;
  var qr = { wanted: false, timer: null, busy: false };
  var marking = false;
  // The person tapped "BankID on this device": the app may open without a further tap.
  var tapped = false;
  var launched = false;
  var inFrame = window.parent !== window;

  function $(id) { return document.getElementById(id); }
  // .actions sets display:flex, which beats the hidden attribute: set both.
  function show(el, on) { el.hidden = !on; el.style.display = on ? '' : 'none'; }

  function platform() {
    var ua = navigator.userAgent || '';
    if (/iPhone|iPad|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1)) return 'ios';
    return /Android/.test(ua) ? 'android' : 'desktop';
  }

  // Reference §1.8: on iOS, Safari gets the page back (it reloads it), Chrome and Firefox their
  // own scheme; returnUrl set by the broker wins anyway where the app supports it.
  function iosRedirect() {
    var ua = navigator.userAgent || '';
    if (/CriOS/.test(ua)) return location.protocol === 'https:' ? 'googlechromes://' : 'googlechrome://';
    if (/FxiOS/.test(ua)) return 'firefox://';
    return /Safari/.test(ua) ? location.href : 'null';
  }

  // Reference §1.8 launcher rules: universal link on iOS and Android, bankid:/// on computers.
  // Simulated mode opens the simulator's app page instead of a real BankID app.
  function launchUrl(v) {
    var token = encodeURIComponent(v.auto_start_token);
    if (v.app_url) return v.app_url + '?autostarttoken=' + token + '&redirect=' + encodeURIComponent(location.href);
    var p = platform();
    if (p === 'ios') return 'https://app.bankid.com/?autostarttoken=' + token + '&redirect=' + encodeURIComponent(iosRedirect());
    if (p === 'android') return 'https://app.bankid.com/?autostarttoken=' + token + '&redirect=null';
    return 'bankid:///?autostarttoken=' + token + '&redirect=null';
  }

  function stopQr() {
    qr.wanted = false;
    if (qr.timer) clearTimeout(qr.timer);
    qr.timer = null;
    show($('bankid-qr-box'), false);
  }

  function startQr() {
    qr.wanted = true;
    if (!qr.timer && !qr.busy) tick();
  }

  // The code changes every second (reference §1.7); the server says when the next one is due.
  function tick() {
    qr.timer = null;
    qr.busy = true;
    api.call('/bankid/qr').then(function (q) {
      qr.busy = false;
      if (!qr.wanted) return;
      $('bankid-qr').src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(q.svg);
      show($('bankid-qr-box'), true);
      qr.timer = setTimeout(tick, Math.max(100, q.refresh_after_ms + 30));
    }).catch(function (err) {
      qr.busy = false;
      if (err && err.code === 'qr_not_available') return stopQr();
      if (qr.wanted) qr.timer = setTimeout(tick, 1000);
    });
  }

  // Ask the broker to mark the order as same-device (session-fixation check); only then does the
  // view carry the autostart token.
  function markSameDevice() {
    if (marking) return;
    marking = true;
    api.call('/bankid/autostart', { method: 'POST', body: {} }).then(function (r) {
      marking = false;
      // Asked before the start: this call also starts the order; one not made yet is asked again.
      if (r.status === 'created') return again();
      if (r.progress) progress = r.progress;
      if (progress && progress.message) api.say(progress.message);
      // A mark refused (the app already took the order) is not asked again: no burst of calls.
      if (r.view) { view = r.view; if (r.view.same_device) sameDevice(r.view); else show($('bankid-open'), false); }
    }).catch(function (err) { marking = false; if (mode === 'same' && !view) again(err); else api.say(api.fmt('retry_later')); });
  }

  function sameDevice(v) {
    stopQr();
    var open = $('bankid-open');
    if (!v.same_device) return v.awaiting_scan ? markSameDevice() : show(open, false);
    if (!v.auto_start_token || !v.awaiting_scan) return show(open, false);
    open.href = launchUrl(v);
    // A framed page opens the app top-level in a new window, never by navigating top (API.md §4).
    if (inFrame) open.target = '_blank'; else open.removeAttribute('target');
    show(open, true);
    // Android needs a fresh tap on the button (reference §1.8); elsewhere the choice was the tap.
    if (tapped && !launched && !inFrame && platform() !== 'android') {
      launched = true;
      location.href = open.href;
    }
  }

  // RFA20 "this device or another device?", in the page's language and rendered with the page
  // (the group's accessible name), so that it needs no order: the question comes before the start.
  function ask(answer) {
    stopQr();
    show($('bankid-open'), false);
    show($('bankid-choice'), true);
    api.say($('bankid-choice').getAttribute('aria-label'));
    $('bankid-same').onclick = function () { show($('bankid-choice'), false); answer('same'); };
    $('bankid-other').onclick = function () { show($('bankid-choice'), false); answer('other'); };
  }

  // device=auto on a session not started yet: the answer starts the order (flow.js calls nothing
  // at load), so BankID's ~30 s to start the app or scan run from the answer, not from the load.
  function askBeforeStart() {
    ask(function (m) {
      mode = m;
      tapped = m === 'same';
      api.say(api.fmt('loading'));
      // "This device" starts and marks in one call (/bankid/autostart), so the app opens one round
      // trip after the tap; "another device" starts through the page's /start.
      if (m === 'same') return markSameDevice();
      api.start().then(function (st) {
        // The provider could not start the order yet (the session is still `created`): ask again.
        if (st.status === 'created') again();
      }, again);
    });
  }

  function again(err) {
    mode = null;
    tapped = false;
    askBeforeStart();
    if (err) api.fail(err); else api.say(api.fmt('retry_later'));
  }

  // A started order whose page had no answer yet (a reload before the app took the order).
  function chooseDevice(v) {
    ask(function (m) {
      mode = m;
      tapped = m === 'same';
      render(v);
    });
  }

  function render(v) {
    if (v.same_device) mode = 'same';
    if (!mode && v.awaiting_scan) return chooseDevice(v);
    show($('bankid-choice'), false);
    // Back from the device question: the order's own RFA message (reference §1.9).
    if (progress && progress.message) api.say(progress.message);
    if (mode === 'same') return sameDevice(v);
    show($('bankid-open'), false);
    if (v.awaiting_scan) startQr(); else stopQr();
  }

  steps['se-bankid'] = function (st, a) {
    api = a;
    $('step-bankid').hidden = false;
    $('bankid-cancel').onclick = function () { stopQr(); api.cancel(); };
    if (st.status === 'created') {
      // The question already showing is not asked (and announced) again at every state.
      if (!mode && $('bankid-choice').hidden) askBeforeStart();
      else if (forced) startLater();
      return;
    }
    if (!st.view) return;
    view = st.view;
    progress = st.progress;
    render(view);
  };
  // A forced device starts at load; when BankID could not take the order yet (busy: the session
  // stays `created`), try again shortly rather than leave the page empty until it expires.
  function startLater() {
    if (retrying) return;
    retrying = true;
    api.say(api.fmt('retry_later'));
    setTimeout(function () {
      retrying = false;
      api.start().catch(function () { startLater(); });
    }, 3000);
  }

  // flow.js asks before calling /start: true while the device is still to be chosen.
  steps['se-bankid'].asksFirst = function () { return mode === null; };
})();
