/* sitegen: full-text search over the prebuilt index (generator/search.py).
   search/index.js lists the subjects with a Bloom filter of their words; the
   shards (<slug>/search.js) of the subjects that may hold every word searched are
   loaded as scripts (so this works from disk too), their postings intersected. */
(function () {
  "use strict";
  var MAX_SHARDS = 60, MAX_RESULTS = 100;
  var STOP = ("a au aux avec ce ces cet cette d de des du elle en est et il ils j je l la le les leur lui m ma mais me " +
    "mes mon n ne nous on ou par pas pour qu que qui s sa se ses son sur t ta te tes ton tu un une vous y " +
    "an and are as at be but by for from has have i in is it its of on or that the this to was were with you").split(" ");
  var stop = {};
  STOP.forEach(function (w) { stop[w] = true; });
  var ENDINGS = ["ements", "ement", "ations", "ation", "euses", "euse", "eux", "ives", "ive", "ies"];

  var fold = function (s) {
    return (s || "").toLowerCase().replace(/œ/g, "oe").replace(/æ/g, "ae")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  };
  var endsWith = function (w, e) { return w.length >= e.length && w.slice(-e.length) === e; };
  var stem = function (w) {
    if (w.length <= 3 || /^[0-9]+$/.test(w)) return w;
    for (var i = 0; i < ENDINGS.length; i++) {
      var e = ENDINGS[i];
      if (endsWith(w, e) && w.length - e.length >= 3) return w.slice(0, -e.length) + (e === "ies" ? "i" : "");
    }
    if ((endsWith(w, "s") || endsWith(w, "x")) && !endsWith(w, "ss") && !endsWith(w, "us") && !endsWith(w, "is")) w = w.slice(0, -1);
    if (endsWith(w, "e") && w.length > 4) w = w.slice(0, -1);
    return w;
  };
  var words = function (text) {
    var found = fold(text).match(/[a-z0-9]+/g) || [];
    var out = [];
    found.forEach(function (w) {
      if (!stop[w] && (w.length > 1 || /^[0-9]+$/.test(w))) {
        var s = stem(w);
        if (out.indexOf(s) === -1) out.push(s);
      }
    });
    return out;
  };
  var encoder = new TextEncoder();
  var fnv = function (text, seed) {
    var h = seed >>> 0, bytes = encoder.encode(text);
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  };

  var subjects = [], hashes = 6, shards = {}, waiting = {}, filters = {};
  var bits = function (slug, b64) {
    if (!filters[slug]) {
      var raw = atob(b64), arr = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) arr[i] = raw.charCodeAt(i);
      filters[slug] = arr;
    }
    return filters[slug];
  };
  var mayHold = function (subject, term) {
    var arr = bits(subject[0], subject[2]), size = arr.length * 8;
    var h1 = fnv(term, 0x811C9DC5), h2 = (fnv(term, 0x01000193) | 1) >>> 0;
    for (var i = 0; i < hashes; i++) {
      var bit = (h1 + i * h2) % size;  // below 2^35: exact in a double
      if (!(arr[bit >> 3] & (1 << (bit & 7)))) return false;
    }
    return true;
  };

  var form = document.querySelector("form.site-search");
  var root = form ? form.dataset.root : "";
  var load = function (slug, done) {
    if (shards[slug]) { done(); return; }
    (waiting[slug] = waiting[slug] || []).push(done);
    if (waiting[slug].length > 1) return;
    var script = document.createElement("script");
    script.src = root + slug + "/search.js";
    script.onerror = function () { shards[slug] = {cards: [], words: {}}; finish(slug); };
    document.head.appendChild(script);
  };
  var finish = function (slug) {
    var calls = waiting[slug] || [];
    delete waiting[slug];
    calls.forEach(function (f) { f(); });
  };

  window.sitegenSearch = {
    subjects: function (list, k) { subjects = list; hashes = k; if (form) run(); },
    add: function (data) { shards[data.slug] = data; finish(data.slug); },
    words: words
  };
  if (!form) return;

  var input = form.querySelector("input");
  var list = document.getElementById("results");
  var summary = document.getElementById("search-summary");
  var generation = 0, partial = false;

  var intersect = function (shard, terms) {
    var hits = null;
    for (var i = 0; i < terms.length; i++) {
      var postings = shard.words[terms[i]];
      if (!postings) return [];
      hits = hits === null ? postings.slice() : hits.filter(function (n) { return postings.indexOf(n) !== -1; });
      if (!hits.length) return [];
    }
    return hits || [];
  };
  var item = function (href, title, context, excerpt) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + href;
    a.textContent = title;
    li.appendChild(a);
    if (context) {
      var c = document.createElement("span");
      c.className = "result-subject";
      c.textContent = context;
      li.appendChild(c);
    }
    if (excerpt) {
      var p = document.createElement("p");
      p.textContent = excerpt;
      li.appendChild(p);
    }
    return li;
  };
  var show = function (terms, candidates) {
    var results = [];
    candidates.forEach(function (subject) {
      var shard = shards[subject[0]];
      if (!shard) return;
      intersect(shard, terms).forEach(function (n) {
        if (n < 0) results.unshift(item(shard.url, shard.title, form.dataset.subject || "", ""));
        else {
          var card = shard.cards[n];
          results.push(item(card[0], card[1] || shard.title, card[1] ? shard.title : "", card[2]));
        }
      });
    });
    list.textContent = "";
    results.slice(0, MAX_RESULTS).forEach(function (li) { list.appendChild(li); });
    if (!results.length) summary.textContent = form.dataset.none;
    else summary.textContent = form.dataset.status.replace("{n}", results.length)
      .replace("{shown}", results.length > MAX_RESULTS ? " · " + form.dataset.more.replace("{n}", MAX_RESULTS) : "");
    if (partial) summary.textContent += " " + form.dataset.partial.replace("{n}", MAX_SHARDS);
  };
  var run = function () {
    var terms = words(input.value);
    var mine = ++generation;
    if (!terms.length) { list.textContent = ""; summary.textContent = ""; return; }
    var possible = subjects.filter(function (s) {
      return terms.every(function (t) { return mayHold(s, t); });
    });
    var candidates = possible.slice(0, MAX_SHARDS);
    partial = possible.length > MAX_SHARDS;
    var left = candidates.length;
    if (!left) { show(terms, []); return; }
    candidates.forEach(function (s) {
      load(s[0], function () { if (--left === 0 && mine === generation) show(terms, candidates); });
    });
  };
  var timer = null;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 150); });
  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  var query = new URLSearchParams(location.search).get("q");
  if (query) input.value = query;
})();
