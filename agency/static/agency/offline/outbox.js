/* The counter's outbox (IndexedDB "cunzhan-counter"): what the operator captured offline, in order,
 * each item with the idempotency key made here when it was captured, sent to the server when the
 * network returns (agency/views_offline.py OfflineSyncView), one at a time, in order, with backoff.
 *
 * An item: {key, seq, kind, local_number, captured_at, fields: [[name, value]…], files: [{field, name,
 * type, blob}…], summary, editable: [{name, label}…], confirm, state, result, conflict, message, detail}.
 * state: waiting → done (result: the real reference) | conflict | error (resolved on the conflicts
 * screen: sent again, possibly changed, or discarded with a reason) | discarded. Nothing is removed
 * until the server said it is done or discarded; done items stay for reprinting their receipts.
 *
 * window.CzOutbox: add(item), all(), get(key), put(item), counts(), sync(), lastSync(), localNumber(),
 * uuid(). A "cz-outbox-change" event on window after every change.
 */
(function () {
  "use strict";
  var DB = "cunzhan-counter", VERSION = 1, OUTBOX = "outbox", META = "meta";
  var dbPromise = null, syncing = false, backoff = 0, timer = null;

  function open() {
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(OUTBOX)) { db.createObjectStore(OUTBOX, {keyPath: "key"}).createIndex("seq", "seq"); }
        if (!db.objectStoreNames.contains(META)) { db.createObjectStore(META, {keyPath: "name"}); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }

  function tx(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode), result;
        result = work(t.objectStore(store));
        t.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }

  function changed() { window.dispatchEvent(new CustomEvent("cz-outbox-change")); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function getMeta(name) { return tx(META, "readonly", function (s) { return s.get(name); }).then(function (row) { return row ? row.value : null; }); }
  function setMeta(name, value) { return tx(META, "readwrite", function (s) { s.put({name: name, value: value}); }); }

  function all() {
    return tx(OUTBOX, "readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return rows.sort(function (a, b) { return a.seq - b.seq; });
    });
  }
  function get(key) { return tx(OUTBOX, "readonly", function (s) { return s.get(key); }); }
  function put(item) { return tx(OUTBOX, "readwrite", function (s) { s.put(item); }).then(function () { changed(); return item; }); }

  /* 临 + the day + a running number, e.g. 临20261206-003: the provisional receipt's number. */
  function localNumber() {
    var now = new Date();
    var day = now.getFullYear() + ("0" + (now.getMonth() + 1)).slice(-2) + ("0" + now.getDate()).slice(-2);
    return getMeta("seq-" + day).then(function (n) {
      n = (n || 0) + 1;
      return setMeta("seq-" + day, n).then(function () { return "临" + day + "-" + ("00" + n).slice(-3); });
    });
  }

  function add(item) {
    return Promise.all([localNumber(), getMeta("seq")]).then(function (values) {
      item.key = item.key || uuid();
      item.local_number = item.local_number || values[0];
      item.seq = (values[1] || 0) + 1;
      item.captured_at = item.captured_at || new Date().toISOString();
      item.state = "waiting";
      return setMeta("seq", item.seq).then(function () { return put(item); });
    }).then(function (saved) { schedule(0); return saved; });
  }

  function counts() {
    return Promise.all([all(), getMeta("last_sync")]).then(function (values) {
      var c = {waiting: 0, conflicts: 0, open: [], lastSync: values[1]};
      values[0].forEach(function (item) {
        if (item.state === "waiting") { c.waiting++; c.open.push(item); }
        if (item.state === "conflict" || item.state === "error") { c.conflicts++; c.open.push(item); }
      });
      return c;
    });
  }

  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function envelope(item, body) {
    var files = (item.files || []).map(function (f, i) {
      var part = "f-" + item.key + "-" + i;
      body.append(part, f.blob, f.name);
      return {field: f.field, name: f.name, part: part};
    });
    return {key: item.key, kind: item.kind, local_number: item.local_number, captured_at: item.captured_at,
            confirm: !!item.confirm, fields: item.fields, files: files};
  }

  function syncUrl() {
    var el = document.querySelector("[data-offline-sync]");
    return el ? el.getAttribute("data-offline-sync") : "/counter/offline/sync/";
  }

  function sendOne(item) {
    var body = new FormData();
    body.append("items", JSON.stringify([envelope(item, body)]));
    return fetch(syncUrl(), {method: "POST", body: body, credentials: "same-origin",
                             headers: {"X-CSRFToken": csrf(), "Accept": "application/json"}}).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") === -1) {
        var error = new Error("sign-in"); error.signIn = true; throw error;
      }
      return response.json().then(function (data) {
        if (!response.ok) { var e = new Error(data.error || "refused"); e.refused = true; throw e; }
        return data;
      });
    });
  }

  function apply(item, result, syncedAt) {
    item.state = result.status === "ok" ? "done" : result.status;
    item.result = result.result || {};
    item.conflict = result.conflict || "";
    item.conflict_label = result.conflict_label || "";
    item.message = result.message || "";
    item.detail = result.detail || {};
    item.synced_at = syncedAt;
    if (item.state === "done") { item.files = []; }  // the scans are on the server now
    return put(item);
  }

  /* Send the waiting items in order. Returns {sent, signIn, failed}. */
  function sync() {
    if (syncing) { return Promise.resolve({busy: true}); }
    if (!navigator.onLine) { return Promise.resolve({offline: true}); }
    syncing = true;
    window.dispatchEvent(new CustomEvent("cz-outbox-syncing"));
    var report = {sent: 0};
    return all().then(function (items) {
      var waiting = items.filter(function (item) { return item.state === "waiting"; });
      return waiting.reduce(function (chain, item) {
        return chain.then(function () {
          return sendOne(item).then(function (data) {
            report.sent++;
            return apply(item, data.results[0], data.synced_at).then(function () { return setMeta("last_sync", data.synced_at); });
          });
        });
      }, Promise.resolve());
    }).then(function () {
      backoff = 0; syncing = false; changed(); return report;
    }, function (error) {
      syncing = false;
      report.failed = true; report.signIn = !!error.signIn;
      window.signInNeeded = report.signIn;
      changed();
      if (!error.signIn) { backoff = Math.min(backoff ? backoff * 2 : 2000, 60000); schedule(backoff); }
      return report;
    });
  }

  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { timer = null; sync(); }, delay);
  }

  window.addEventListener("online", function () { backoff = 0; schedule(0); });
  window.addEventListener("offline", changed);
  setInterval(function () { if (navigator.onLine && !timer) { sync(); } }, 30000);

  window.CzOutbox = {add: add, all: all, get: get, put: put, counts: counts, sync: sync, uuid: uuid,
                     localNumber: localNumber, getMeta: getMeta, setMeta: setMeta, csrf: csrf, schedule: schedule};
  document.addEventListener("DOMContentLoaded", function () { schedule(500); });
})();
