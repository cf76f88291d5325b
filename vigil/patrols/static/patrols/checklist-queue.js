/* Vigil patrol: a stop's checklist keeps working with no signal.

   A saved checklist (answers, note, the photo as a Blob, the phone's id and time of it) is put
   in a queue in IndexedDB first (photos are too big for localStorage) and sent from there to
   the server, oldest first; it leaves the queue only when the server confirms it (stored, or
   already had it). Sending is tried on saving, on page load, when the signal returns, and by
   hand from the queue box. A refused item stays, with the server's reason, until the officer
   sends it again (after setting the clock right, say) or discards it.

   So that the checklist opens with no signal, the patrol pages keep copies in the service
   worker's caches (sw.js serves them when the network fails): the checklist of the stop the
   officer is heading to and of every stop whose checklist was opened, per shift, and the
   static files they need. */
(function () {
  "use strict";
  var DB = "vigil-patrol", STORE = "checklists";
  var SHIFT_CACHE = "vigil-patrol-shift-"; // + shift id; a new shift drops the old one's pages
  var STATIC_CACHE = "vigil-patrol-static"; // sw.js keeps it fresh
  var FLASH = "vigil-patrol-checklist-sent";
  var OFFICER = "vigil-patrol-officer";
  var page = document.querySelector("[data-patrol-offline]");
  if (!page || !window.indexedDB || !window.fetch || !window.Promise) return;
  var sent = [], problem = "";
  // A patrol phone may pass from one officer to the next: each sends only their own items
  // (the server would refuse another's shift). The offline page, the same for everyone,
  // goes by the last officer a patrol page was opened for.
  var officer = page.getAttribute("data-officer");
  try {
    if (officer) localStorage.setItem(OFFICER, officer);
    else officer = localStorage.getItem(OFFICER);
  } catch (e) { /* no storage: the items still carry the officer */ }

  // --- the queue (IndexedDB) -----------------------------------------------------------------
  var opened = null;
  function db() {
    opened = opened || new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, {keyPath: "client_id"});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { opened = null; reject(request.error); };
    });
    return opened;
  }
  function store(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(STORE, mode), request = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(request.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function all() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (items) {
      return items.sort(function (a, b) { return a.occurred_at < b.occurred_at ? -1 : 1; });
    });
  }
  function mine(items) { return items.filter(function (i) { return i.officer === officer; }); }
  function put(entry) { return store("readwrite", function (s) { return s.put(entry); }); }
  function remove(id) { return store("readwrite", function (s) { return s.delete(id); }); }

  // --- sending -------------------------------------------------------------------------------
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The server's answer as JSON; rejects with "offline" (no answer), "signin" (sent to the
  // sign-in page or refused by CSRF: the session ran out) or "server" (an error page).
  function send(entry) {
    var body = new FormData();
    ["client_id", "shift", "node", "occurred_at", "note"].forEach(function (name) {
      body.append(name, entry[name]);
    });
    body.append("answers", JSON.stringify(entry.answers));
    if (entry.photo) body.append("photo", entry.photo, entry.photo_name || "photo.jpg");
    return fetch(page.getAttribute("data-sync-checklist"), {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: {"X-CSRFToken": csrf()}
    }).then(function (r) {
      if (r.type === "opaqueredirect" || r.status === 403) return Promise.reject("signin");
      if ((r.headers.get("Content-Type") || "").indexOf("application/json") !== 0) {
        return Promise.reject("server");
      }
      return r.json();
    }, function () { return Promise.reject("offline"); });
  }

  // One pass over the queue, oldest first; resolves to the server's answers by client id.
  function pass(retryRefused) {
    var answers = {};
    problem = "";
    return all().then(function (items) {
      var todo = mine(items).filter(function (i) { return retryRefused || !i.refused; });
      if (!todo.length || !navigator.onLine) return answers;
      render("Sending " + plural(todo.length, "checklist") + "…");
      var next = function (k) {
        if (k >= todo.length) return answers;
        var entry = todo[k];
        return send(entry).then(function (answer) {
          answers[entry.client_id] = answer;
          if (answer.status === "refused") {
            entry.refused = (answer.field ? answer.field + ": " : "") + answer.message;
            return put(entry);
          }
          sent.push(answer.message + " (saved " + clock(entry.occurred_at) + ")");
          return remove(entry.client_id);
        }).then(function () { return next(k + 1); }, function (why) {
          if (why === "server") return next(k + 1); // this one failed there; try the others
          problem = why; // no signal or signed out: the rest waits too
          return answers;
        });
      };
      return next(0);
    }).then(function (result) { render(); settle(result); return result; });
  }

  // The checklist on screen was sent in the background (saved with no signal, sent when it
  // came back): say what became of it.
  function settle(answers) {
    var form = document.querySelector("form[data-checklist]");
    var answer = form && answers[form.getAttribute("data-client-id")];
    if (!answer) return;
    var status = form.querySelector("[data-checklist-status]");
    var submit = form.querySelector("button[type=submit]");
    if (answer.status === "refused") {
      status.textContent = "Not accepted – " + (answer.field ? answer.field + ": " : "") +
        answer.message.replace(/\.?$/, ".") + " Put it right and save again.";
      status.className = "small refused";
      submit.disabled = false;
      submit.textContent = "Save checklist";
    } else {
      status.textContent = "Sent: " + answer.message;
      status.className = "small";
      submit.textContent = "Sent";
    }
  }

  // Passes run one after another (and, where the phone can, one per phone across tabs), so a
  // submission is never sent twice at once from here.
  var chain = Promise.resolve();
  function flush(retryRefused) {
    var run = function () {
      return navigator.locks ? navigator.locks.request(DB, function () { return pass(retryRefused); })
        : pass(retryRefused);
    };
    chain = chain.then(run, run);
    return chain;
  }

  // --- what the officer sees ------------------------------------------------------------------
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function clock(iso) {
    return new Date(iso).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
  }
  function line(box, text, className) {
    var p = document.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    box.appendChild(p);
    return p;
  }
  function button(box, text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn small secondary";
    b.textContent = text;
    b.addEventListener("click", action);
    box.appendChild(b);
  }

  function render(busy) {
    var box = document.querySelector("[data-checklist-queue]");
    if (!box) return;
    all().then(function (items) {
      var others = items.length - mine(items).length;
      var waiting = mine(items).filter(function (i) { return !i.refused; });
      var refused = mine(items).filter(function (i) { return i.refused; });
      box.textContent = "";
      sent.forEach(function (text) { line(box, "Sent: " + text, "sent"); });
      if (busy) {
        line(box, busy);
      } else if (waiting.length) {
        line(box, "Saved on this phone, will send when signal returns: " +
          plural(waiting.length, "checklist") + " waiting.", "waiting");
      }
      refused.forEach(function (i) {
        line(box, "Not accepted: " + i.label + " (" + clock(i.occurred_at) + ") – " + i.refused,
          "refused");
      });
      if (problem === "signin") line(box, "Sign in again to send them.", "refused");
      if (others) {
        line(box, plural(others, "checklist") + " saved by another officer on this phone " +
          (others === 1 ? "waits" : "wait") + " for them to sign in here.", "waiting");
      }
      if (!busy && (waiting.length || refused.length)) {
        button(box, "Send now", function () { flush(true); });
      }
      if (!busy && refused.length) {
        button(box, "Discard the ones not accepted", function () {
          if (!confirm("Discard " + plural(refused.length, "checklist") + " the server refused?")) return;
          Promise.all(refused.map(function (i) { return remove(i.client_id); })).then(function () {
            render();
          });
        });
      }
      box.hidden = !box.firstChild;
      box.classList.toggle("done", !busy && !waiting.length && !refused.length);
    }).catch(function () { box.hidden = true; });
  }

  function showFlash() {
    var raw = null;
    try { raw = sessionStorage.getItem(FLASH); sessionStorage.removeItem(FLASH); } catch (e) { return; }
    var main = document.querySelector("main");
    if (!raw || !main) return;
    var flash = JSON.parse(raw), list = document.createElement("ul"), item = document.createElement("li");
    list.className = "messages";
    list.setAttribute("role", "status");
    item.className = flash.findings ? "warning" : "success";
    item.textContent = flash.message;
    list.appendChild(item);
    main.insertBefore(list, main.firstChild);
  }

  // --- the checklist form ---------------------------------------------------------------------
  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); })
      .join("");
  }

  function entryOf(form) {
    // One id per submission, kept if it is saved again from this page (a double tap, a retry).
    if (!form.getAttribute("data-client-id")) form.setAttribute("data-client-id", newId());
    var answers = {}, photo = form.elements.photo && form.elements.photo.files[0];
    Array.prototype.forEach.call(form.querySelectorAll("input[type=radio]:checked"), function (i) {
      answers[i.name] = i.value;
    });
    return {
      client_id: form.getAttribute("data-client-id"),
      officer: officer,
      shift: page.getAttribute("data-shift"),
      node: form.getAttribute("data-node"),
      label: form.getAttribute("data-label"),
      occurred_at: new Date().toISOString(), // when the officer saved it, not when it arrives
      answers: answers,
      note: form.elements.note ? form.elements.note.value : "",
      photo: photo || null,
      photo_name: photo ? photo.name : ""
    };
  }

  function onSave(form, event) {
    event.preventDefault();
    var status = form.querySelector("[data-checklist-status]");
    var submit = form.querySelector("button[type=submit]");
    var say = function (text, bad) {
      status.textContent = text;
      status.className = "small" + (bad ? " refused" : "");
    };
    var entry = entryOf(form);
    say("Saving…");
    put(entry).then(function () {
      // A weak signal can make this slow: the checklist is safe on the phone already.
      say("Sending… kept on this phone until the server has it.");
      return flush(false);
    }).then(function (answers) {
      var answer = answers[entry.client_id];
      if (answer && answer.status !== "refused") {
        try { sessionStorage.setItem(FLASH, JSON.stringify(answer)); } catch (e) { /* no note */ }
        location.assign(page.getAttribute("data-home-url"));
        return null;
      }
      if (answer) {
        // Refused while the officer is still here: they put it right and save again.
        return remove(entry.client_id).then(function () {
          render();
          say("Not saved – " + (answer.field ? answer.field + ": " : "") + answer.message, true);
        });
      }
      return all().then(function (items) {
        var waiting = mine(items).filter(function (i) { return !i.refused; }).length;
        say("No signal: saved on this phone, will send when signal returns (" +
          plural(waiting, "checklist") + " waiting). Carry on with your patrol.");
        submit.disabled = true;
        submit.textContent = "Saved on this phone";
      });
    }).catch(function () {
      // No IndexedDB here (private browsing, storage full): send the form as it always was,
      // with the same id, so a copy that did reach the queue is recognised as a replay.
      form.elements.client_id.value = entry.client_id;
      form.elements.occurred_at.value = entry.occurred_at;
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  // --- copies for the service worker ----------------------------------------------------------
  function sameOrigin(url) {
    var u = new URL(url, location.href);
    return u.origin === location.origin ? u.pathname + u.search : null;
  }
  function keep(cache, urls) {
    return caches.open(cache).then(function (c) {
      return Promise.all(urls.map(function (url) {
        return c.match(url, {ignoreVary: true}).then(function (hit) { return hit || c.add(url); })
          .catch(function () { /* not now; the next page load tries again */ });
      }));
    });
  }
  function keepOffline() {
    var shift = page.getAttribute("data-shift");
    if (!window.caches || shift === null) return; // the offline page: leave the copies be
    var kept = SHIFT_CACHE + shift;
    caches.keys().then(function (names) {
      names.forEach(function (name) {
        if (name.indexOf(SHIFT_CACHE) === 0 && name !== kept) caches.delete(name);
      });
    });
    if (!shift || !navigator.onLine) return;
    var assets = [];
    document.querySelectorAll("link[rel=stylesheet][href], script[src], use[href]").forEach(function (el) {
      var url = sameOrigin((el.getAttribute("href") || el.getAttribute("src")).split("#")[0]);
      if (url && assets.indexOf(url) < 0) assets.push(url);
    });
    keep(STATIC_CACHE, assets);
    var pages = (page.getAttribute("data-keep-offline") || "").split(" ").filter(Boolean);
    keep(kept, pages).then(function () { page.setAttribute("data-kept-offline", "yes"); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showFlash();
    var form = document.querySelector("form[data-checklist]");
    if (form) form.addEventListener("submit", function (e) { onSave(form, e); });
    render();
    flush(false);
    keepOffline();
    window.addEventListener("online", function () { flush(false); });
  });
})();
