/* The offline certificate verifier (/verify/offline/): checks a CZ1 token against the public keys and the
   signed revocation list the page carries, with the browser's own Ed25519 (WebCrypto) or, for SM2 keys, the
   vendored sm-crypto (static/vendor/sm-crypto/sm2.js, inlined before this script), no network.
   The format and the steps are docs/certificate-token.md's; gov_services/certificates/tokens.py is the
   reference implementation. When online, "Refresh" fetches the county's current keys and revocations
   and keeps them in this browser (localStorage), so a saved copy of the page stays current. */
(function () {
  "use strict";

  var PART = "[A-Za-z0-9-]{1,32}";
  var B64 = "[A-Za-z0-9_-]+";
  var TOKEN = new RegExp("CZ1\\.(" + PART + ")\\.(" + PART + ")\\.(" + PART + ")\\.(\\d{8})\\.(\\d{8}|0)\\.(" +
                         B64 + ")\\.(" + B64 + ")");
  var MAX_TOKEN_LENGTH = 400;
  var STORE = "cunzhan-offline-verifier";

  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  var T = json("cz-verifier-messages");
  var data = json("cz-verifier-data");

  // --- encoding ---------------------------------------------------------------------------------------
  function b64urlDecode(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    var raw;
    try { raw = atob(padded); } catch (e) { return null; }
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function b64url(bytes) {
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  // Canonical JSON as Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False).
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) {
        return JSON.stringify(k) + ":" + canonical(value[k]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }
  function parseDate(text) {
    return text === "0" ? null : text.slice(0, 4) + "-" + text.slice(4, 6) + "-" + text.slice(6, 8);
  }
  function validDate(text) {
    if (text === "0") return true;
    var d = new Date(Date.UTC(+text.slice(0, 4), +text.slice(4, 6) - 1, +text.slice(6, 8)));
    return d.getUTCFullYear() === +text.slice(0, 4) && d.getUTCMonth() + 1 === +text.slice(4, 6) &&
      d.getUTCDate() === +text.slice(6, 8);
  }
  function todayInChina() {  // YYYY-MM-DD, China Standard Time (the dates on certificates)
    return new Intl.DateTimeFormat("en-CA", {timeZone: "Asia/Shanghai"}).format(new Date());
  }

  // --- the token --------------------------------------------------------------------------------------
  function extractToken(text) {
    var match = TOKEN.exec(text || "");
    return match ? match[0] : null;
  }
  function parseToken(text) {  // the claims, or null when the text is not a canonical CZ1 token
    text = (text || "").trim();
    if (text.length > MAX_TOKEN_LENGTH) return null;
    var m = new RegExp("^" + TOKEN.source + "$").exec(text);
    if (!m || !validDate(m[4]) || !validDate(m[5])) return null;
    var holder = b64urlDecode(m[6]), signature = b64urlDecode(m[7]);
    if (!holder || !signature || holder.length !== 16 || signature.length !== 64) return null;
    if (b64url(holder) !== m[6] || b64url(signature) !== m[7]) return null;  // stray bits: not ours
    var body = text.slice(0, text.lastIndexOf("."));
    return {keyId: m[1], serial: m[2], typeCode: m[3], issued: parseDate(m[4]), expires: parseDate(m[5]),
            holder: holder, signed: new TextEncoder().encode(body), signature: signature};
  }

  function hex(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return out;
  }
  // SM2 (GB/T 32918.2: SM3 with the Z value of the default user id 1234567812345678), r ‖ s of 32 bytes each,
  // by the vendored sm-crypto (window.sm2); the key is 65 bytes, 04 ‖ x ‖ y.
  function verifySm2(raw, bytes, signature) {
    if (raw[0] !== 4 || signature.length !== 64 || !window.sm2) return Promise.resolve(false);
    try {
      return Promise.resolve(window.sm2.doVerifySignature(Array.prototype.slice.call(bytes), hex(signature),
                                                          hex(raw), {hash: true}) === true);
    } catch (e) { return Promise.resolve(false); }
  }

  // The key's algorithm follows from its length: 32 bytes Ed25519 (WebCrypto), 65 bytes SM2.
  function verifyBytes(publicKeyB64, bytes, signature) {
    var raw = b64urlDecode(publicKeyB64 || "");
    if (raw && raw.length === 65) return verifySm2(raw, bytes, signature);
    if (!raw || raw.length !== 32) return Promise.resolve(false);
    return crypto.subtle.importKey("raw", raw, {name: "Ed25519"}, false, ["verify"])
      .then(function (key) { return crypto.subtle.verify({name: "Ed25519"}, key, signature, bytes); })
      .catch(function () { return false; });
  }

  function keyById(keys, id) {
    for (var i = 0; i < keys.length; i++) if (keys[i].key_id === id) return keys[i];
    return null;
  }

  // The revocation sections that verify with the key they name; the others are ignored.
  function trustedRevocations(keys, list) {
    var sections = (list && list.sections) || [];
    return Promise.all(sections.map(function (section) {
      var key = keyById(keys, section.key_id);
      if (!key || key.department_code !== section.department_code || !section.signature) return null;
      var body = {};
      Object.keys(section).forEach(function (k) { if (k !== "signature") body[k] = section[k]; });
      var signature = b64urlDecode(section.signature);
      if (!signature) return null;
      return verifyBytes(key.public_key, new TextEncoder().encode(canonical(body)), signature)
        .then(function (ok) { return ok ? section : null; });
    })).then(function (checked) { return checked.filter(Boolean); });
  }

  function verify(text) {
    var token = extractToken(text) || (text || "").trim();
    var claims = parseToken(token);
    if (!claims) return Promise.resolve({state: "forged", reason: T.malformed});
    var key = keyById(data.keys, claims.keyId);
    if (!key) return Promise.resolve({state: "unknown", reason: T.unknown_key, claims: claims});
    return verifyBytes(key.public_key, claims.signed, claims.signature).then(function (ok) {
      if (!ok) return {state: "forged", reason: T.bad_signature, claims: claims};
      if (key.revoked_on && claims.issued > key.revoked_on) {  // an official's key revoked before this date
        return {state: "forged", reason: T.key_revoked.replace("%(date)s", key.revoked_on), claims: claims};
      }
      return trustedRevocations(data.keys, data.revocations).then(function (sections) {
        for (var i = 0; i < sections.length; i++) {
          if (sections[i].department_code !== key.department_code) continue;
          var revoked = sections[i].revoked || [];
          for (var j = 0; j < revoked.length; j++) {
            if (revoked[j].serial === claims.serial) {
              return {state: "revoked", reason: T.revoked_on.replace("%(date)s", revoked[j].revoked_on),
                      claims: claims, key: key, token: token};
            }
          }
        }
        if (claims.expires && todayInChina() > claims.expires) {
          return {state: "expired", reason: T.expired_on.replace("%(date)s", claims.expires), claims: claims,
                  key: key, token: token};
        }
        return {state: "valid", reason: "", claims: claims, key: key, token: token};
      });
    });
  }

  function holderDigest(serial, name, idNumber) {  // gov_services/certificates/tokens.py holder_digest
    var cleanName = (name || "").normalize("NFKC").replace(/\s+/gu, "");
    var text = "CZ1|" + serial + "|" + cleanName + "|" + (idNumber || "").trim().toUpperCase();
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (digest) {
      return new Uint8Array(digest).slice(0, 16);
    });
  }

  // --- the page ---------------------------------------------------------------------------------------
  var $ = function (id) { return document.getElementById(id); };
  var lastResult = null;

  function row(label, value) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label; dd.textContent = value;
    return [dt, dd];
  }

  function show(result) {
    lastResult = result;
    var box = $("cz-result");
    box.hidden = false;
    box.className = "card result result--" + result.state;
    box.setAttribute("data-state", result.state);
    $("cz-result-title").textContent = T["state_" + result.state];
    $("cz-result-reason").textContent = result.reason || "";
    var facts = $("cz-result-facts");
    facts.textContent = "";
    if (result.claims && result.state !== "forged") {
      var c = result.claims;
      var items = [row(T.certificate, (data.types[c.typeCode] || c.typeCode)), row(T.serial, c.serial),
                   row(T.issued, c.issued), row(T.expires, c.expires || T.no_expiry)];
      if (result.key) items.push(row(T.department, result.key.department));
      if (result.key && result.key.official) items.push(row(T.signed_by, result.key.official));
      items.forEach(function (pair) { facts.appendChild(pair[0]); facts.appendChild(pair[1]); });
    }
    $("cz-holder").hidden = !(result.state === "valid" || result.state === "expired" || result.state === "revoked");
    $("cz-holder-answer").textContent = "";
  }

  function check() {
    var text = $("cz-code").value;
    $("cz-result").hidden = true;  // never leave the previous code's answer beside a new code
    $("cz-result").removeAttribute("data-state");
    if (!text.trim()) return;
    verify(text).then(show);
  }

  function checkHolder(event) {
    event.preventDefault();
    if (!lastResult || !lastResult.claims) return;
    holderDigest(lastResult.claims.serial, $("cz-holder-name").value, $("cz-holder-id").value)
      .then(function (digest) {
        var same = b64url(digest) === b64url(lastResult.claims.holder);
        var answer = $("cz-holder-answer");
        answer.textContent = same ? T.holder_match : T.holder_mismatch;
        answer.setAttribute("data-match", same ? "yes" : "no");
      });
  }

  function readQrPhoto(file) {
    if (!("BarcodeDetector" in window)) {
      $("cz-photo-note").textContent = T.no_barcode_detector;
      return;
    }
    createImageBitmap(file).then(function (image) {
      return new window.BarcodeDetector({formats: ["qr_code"]}).detect(image);
    }).then(function (codes) {
      if (!codes.length) { $("cz-photo-note").textContent = T.no_qr_in_photo; return; }
      $("cz-code").value = codes[0].rawValue;
      check();
    }).catch(function () { $("cz-photo-note").textContent = T.no_qr_in_photo; });
  }

  function describeData() {
    var when = new Date(data.generated_at);  // shown in China Standard Time, as every date here
    $("cz-data-date").textContent = isNaN(when) ? "" : new Intl.DateTimeFormat("sv-SE", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit"}).format(when);
    $("cz-data-keys").textContent = String(data.keys.length);
  }

  function refresh() {
    var status = $("cz-refresh-status");
    status.textContent = T.refreshing;
    var origin = data.origin.replace(/\/$/, "");
    Promise.all([fetch(origin + data.keys_path, {cache: "no-store"}),
                 fetch(origin + data.revocations_path, {cache: "no-store"})])
      .then(function (responses) {
        if (!responses[0].ok || !responses[1].ok) throw new Error("HTTP");
        return Promise.all([responses[0].json(), responses[1].json()]);
      })
      .then(function (docs) {
        if (docs[0].format !== "CZ1-keys" || docs[1].format !== "CZ1-revocations") throw new Error("format");
        // Keys are never removed from the published list: keep any this copy knew and the county no longer lists.
        var keys = docs[0].keys.slice();
        data.keys.forEach(function (k) { if (!keyById(keys, k.key_id)) keys.push(k); });
        data.keys = keys;
        data.revocations = docs[1];
        data.generated_at = docs[1].generated_at;
        try { localStorage.setItem(STORE, JSON.stringify(data)); } catch (e) { /* private mode: this visit only */ }
        describeData();
        status.textContent = T.refreshed;
        if ($("cz-code").value.trim()) check();
      })
      .catch(function () { status.textContent = T.refresh_failed; });
  }

  function loadStored() {  // a copy refreshed earlier in this browser, if newer than what the page carries
    try {
      var stored = JSON.parse(localStorage.getItem(STORE) || "null");
      if (stored && stored.origin === data.origin && (stored.generated_at || "") > (data.generated_at || "")) {
        data.keys = stored.keys; data.revocations = stored.revocations; data.generated_at = stored.generated_at;
      }
    } catch (e) { /* nothing kept */ }
  }

  function online() { $("cz-network").textContent = navigator.onLine ? T.online : T.offline; }

  loadStored();
  describeData();
  online();
  window.addEventListener("online", online);
  window.addEventListener("offline", online);
  $("cz-check").addEventListener("submit", function (event) { event.preventDefault(); check(); });
  $("cz-code").addEventListener("change", check);  // a scanner gun types the QR text and presses Enter
  $("cz-holder").addEventListener("submit", checkHolder);
  $("cz-refresh").addEventListener("click", refresh);
  $("cz-photo").addEventListener("change", function () { if (this.files[0]) readQrPhoto(this.files[0]); });
  if (!window.crypto || !crypto.subtle) $("cz-no-crypto").hidden = false;
})();
