// IDBridge workflow page script (API.md §4). Plain ES2020, no build step, served with CSP 'self'.
(function () {
  'use strict';
  var root = document.getElementById('idb');
  var token = root.dataset.token;
  var method = root.dataset.method;
  var i18n = JSON.parse(root.dataset.i18n);
  var base = '/flow/' + encodeURIComponent(token);
  var storeKey = 'idbridge:' + token;
  var binding = null;
  var version = -1;
  var finished = false;
  var $ = function (id) { return document.getElementById(id); };

  function say(text) { $('status').textContent = text; }
  function fmt(key, vars) {
    return (i18n[key] || key).replace(/\{(\w+)\}/g, function (_, k) { return (vars && vars[k]) || ''; });
  }
  function remember(b) { try { sessionStorage.setItem(storeKey, b); } catch (e) { /* storage may be blocked in a frame */ } }
  function recall() { try { return sessionStorage.getItem(storeKey); } catch (e) { return null; } }

  function call(path, opts) {
    opts = opts || {};
    var headers = { accept: 'application/json' };
    if (binding) headers['x-idbridge-binding'] = binding;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(base + path, {
      method: opts.method || 'GET',
      headers: headers,
      credentials: 'include',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) { var err = new Error(data.code || 'error'); err.code = data.code; throw err; }
        return data;
      });
    });
  }

  function finish(st) {
    if (finished) return;
    finished = true;
    document.querySelectorAll('.step').forEach(function (el) { el.hidden = true; });
    var f = st.finish;
    var inFrame = window.parent !== window;
    if (inFrame && f.origins) {
      // Addressed to the registered origin(s) only, never '*'.
      f.origins.forEach(function (origin) { window.parent.postMessage(f.message, origin); });
    }
    if (f.url) {
      say(fmt('continue') + '…');
      window.location.assign(f.url); // the frame itself, never top
      return;
    }
    var text = st.status === 'complete' ? fmt('done_complete')
      : st.status === 'failed' ? failureText(st.error)
      : st.status === 'cancelled' ? fmt('done_cancelled') : fmt('done_expired');
    // One announcement: the live status line carries the final text.
    say(text);
  }

  // The page's own words for error.code, never the provider's English error.message.
  function failureText(error) {
    var key = 'fail_' + (error && error.code);
    return fmt(Object.prototype.hasOwnProperty.call(i18n, key) ? key : 'fail_other');
  }

  function render(st) {
    if (st.version !== undefined) version = st.version;
    if (st.finish) return finish(st);
    if (st.progress && st.progress.message) say(st.progress.message);
    var hook = window.IDBridgeSteps && window.IDBridgeSteps[method];
    if (hook) hook(st, api);
    else if (method === 'demo') showDemo();
    else if (st.view && st.view.redirect_url) showRedirect();
  }

  function showDemo() {
    $('step-demo').hidden = false;
    $('approve').disabled = false;
    $('cancel').disabled = false;
    say('');
  }

  function showRedirect() {
    $('step-redirect').hidden = false;
    say('');
    $('go').onclick = function () {
      // Providers refuse framing (API.md §4): from a frame, a popup opened on this click (before
      // any await, so it is not blocked) and cut off from this page; else this page navigates.
      // The one-time go URL sets the cookie the callback checks in that window (docs/oidc.md).
      var inFrame = window.parent !== window;
      var popup = inFrame ? window.open('', '_blank') : null;
      if (popup) { try { popup.opener = null; } catch (e) { /* already cut off */ } }
      call('/go', { method: 'POST', body: { popup: inFrame } }).then(function (r) {
        if (popup) popup.location.replace(r.url);
        else if (inFrame) window.open(r.url, '_blank', 'noopener');
        else window.location.assign(r.url);
      }).catch(function (err) {
        if (popup) popup.close();
        fail(err);
      });
    };
  }

  function act(body) {
    return call('/action', { method: 'POST', body: body }).then(render).catch(fail);
  }

  function cancel() {
    return call('/cancel', { method: 'POST', body: {} }).then(render).catch(fail);
  }

  function fail(err) {
    if (err && err.code === 'session_bound') { say(fmt('bound_elsewhere')); return; }
    say(fmt('retry_later'));
  }

  function watch() {
    if (finished) return;
    call('/state?wait=20&version=' + version).then(function (st) {
      render(st);
      watch();
    }).catch(function () { setTimeout(watch, 2000); });
  }

  // The provider's order starts here. Answers the state (a start the provider could not make yet
  // leaves the session `created`); an error is the caller's to show.
  function start() {
    return call('/start', { method: 'POST', body: {} }).then(function (st) { render(st); return st; });
  }

  var api = { call: call, render: render, cancel: cancel, say: say, fmt: fmt, fail: fail, start: start, $: $ };

  if ($('approve')) {
    $('approve').onclick = function () {
      var chosen = document.querySelector('input[name=person]:checked');
      act({ action: 'approve', person: chosen ? Number(chosen.value) : 0 });
    };
    $('cancel').onclick = function () { cancel(); };
  }
  if ($('redirect-cancel')) $('redirect-cancel').onclick = function () { cancel(); };

  call('/bind', { method: 'POST', body: { binding: recall() || undefined } })
    .then(function (st) {
      binding = st.binding;
      remember(binding);
      if (st.finish) return render(st);
      // A step that asks the person first (BankID's device question) starts on the answer through
      // api.start: an order started now would age while the person reads (docs/bankid.md). The
      // session stays `created` meanwhile; watching it shows a merchant's cancel or the expiry.
      var hook = window.IDBridgeSteps && window.IDBridgeSteps[method];
      if (st.status === 'created' && hook && hook.asksFirst && hook.asksFirst()) { render(st); watch(); return; }
      return start().then(function () { watch(); });
    })
    .catch(fail);
})();
