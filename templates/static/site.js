/* sitegen: progressive enhancement. Without this script every card and every title
   is shown and the controls stay hidden (see .js rules in style.css). */
(function () {
  "use strict";
  var fold = function (s) {
    return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };

  // Subject page: filter cards by sentiment and stars, sort them. A subject of
  // several pages names its cards data file (data-cards): filtering or sorting
  // then loads it (a <script src>, which works from file://) and shows the
  // matching cards of every page; back to "all" in input order, the page shows
  // its own cards and its pagination again.
  var toolbar = document.querySelector(".toolbar");
  var list = document.getElementById("cards");
  if (toolbar && list) {
    var slice = function (items) { return Array.prototype.slice.call(items); };
    var own = slice(list.querySelectorAll("article.card"));
    var every = null; // every card of the subject, once its data file is loaded
    var source = toolbar.dataset.cards || "";
    var loading = false, failed = false;
    var buttons = slice(toolbar.querySelectorAll("button[data-filter]"));
    var select = document.getElementById("sort");
    var stars = document.getElementById("stars");
    var status = toolbar.querySelector(".status");
    var pagination = document.querySelector(".pagination");
    var num = function (card, key) { return parseFloat(card.dataset[key]) || 0; };
    var orders = {
      input: function (a, b) { return num(a, "index") - num(b, "index"); },
      positive: function (a, b) { return num(b, "polarity") - num(a, "polarity"); },
      negative: function (a, b) { return num(a, "polarity") - num(b, "polarity"); },
      newest: function (a, b) {
        var x = a.dataset.date || "", y = b.dataset.date || "";
        return x === y ? 0 : !x ? 1 : !y ? -1 : x < y ? 1 : -1;
      },
      longest: function (a, b) { return num(b, "length") - num(a, "length"); }
    };
    var filter = "all";
    var aspect = ""; // the aspect explorer's choice (an aspect key)
    var conditions = [
      function (card) { return filter === "all" || card.dataset.sentiment === filter; },
      function (card) { return !stars || !stars.value || card.dataset.stars === stars.value; },
      function (card) { return !aspect || ("|" + (card.dataset.aspects || "") + "|").indexOf("|" + aspect + "|") !== -1; }
    ];
    var changed = []; // called after each change with the cards in play
    var narrowed = function () {
      return filter !== "all" || !!(stars && stars.value) || select.value !== "input" || !!aspect;
    };
    var load = function () {
      loading = true;
      list.setAttribute("aria-busy", "true");
      var script = document.createElement("script");
      script.src = source;
      script.onload = function () {
        var data = window.SITEGEN_CARDS;
        loading = false;
        list.removeAttribute("aria-busy");
        if (!data || !data.cards) { failed = true; apply(); return; }
        var holder = document.createElement("template");
        holder.innerHTML = data.cards.join("");
        every = slice(holder.content.querySelectorAll("article.card"));
        apply();
      };
      script.onerror = function () { loading = false; list.removeAttribute("aria-busy"); failed = true; apply(); };
      document.head.appendChild(script);
    };
    var apply = function () {
      var wide = !!source && !failed && narrowed();
      if (wide && !every) {
        // Until the other pages' cards are there, this page's are filtered.
        if (!loading) load();
        wide = false;
      }
      var cards = wide ? every : own;
      var order = orders[select.value] || orders.input;
      var sorted = cards.slice().sort(function (a, b) { return order(a, b) || orders.input(a, b); });
      var shown = 0;
      var keep = document.createDocumentFragment();
      sorted.forEach(function (card) {
        var visible = conditions.every(function (test) { return test(card); });
        card.hidden = !visible;
        if (visible) shown++;
        // Every card of the page stays in it (hidden or not); of the whole
        // subject, only the matching ones are put in.
        if (visible || !wide) keep.appendChild(card);
      });
      while (list.firstChild) list.removeChild(list.firstChild);
      list.appendChild(keep);
      // The chosen aspect's mentions are marked in the cards, the others are not.
      slice(list.querySelectorAll(".aspect-mention")).forEach(function (el) {
        var tag = aspect && el.dataset.aspect === aspect ? "MARK" : "SPAN";
        if (el.tagName !== tag) retag(el, tag);
      });
      if (pagination) pagination.hidden = wide;
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.filter === filter)); });
      var template = wide ? toolbar.dataset.statusAll : toolbar.dataset.status;
      var said = !narrowed() ? "" : loading ? toolbar.dataset.loading :
        template.replace("{n}", shown).replace("{total}", wide ? every.length : cards.length);
      status.textContent = failed && narrowed() && source ? said + " " + toolbar.dataset.failed : said;
      changed.forEach(function (listener) { listener(wide ? every : own); });
    };
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { filter = b.dataset.filter; apply(); });
    });
    select.addEventListener("change", apply);
    if (stars) stars.addEventListener("change", apply);
    // The aspect explorer: each chip (a link to its aspect's section without
    // JavaScript) becomes a toggle button; choosing an aspect shows its section and
    // keeps the cards mentioning it, over every page as the other filters do.
    var retag = function (el, tag) {
      var other = document.createElement(tag);
      other.className = el.className;
      other.setAttribute("data-aspect", el.getAttribute("data-aspect"));
      while (el.firstChild) other.appendChild(el.firstChild);
      el.parentNode.replaceChild(other, el);
      return other;
    };
    var box = document.querySelector(".aspect-sections");
    var sections = slice(document.querySelectorAll(".aspect-section"));
    var said = document.querySelector(".aspect-status");
    var chips = slice(document.querySelectorAll("a.chip[data-aspect]")).map(function (link) {
      var button = retag(link, "button");
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        aspect = aspect === button.dataset.aspect ? "" : button.dataset.aspect;
        apply();
      });
      return button;
    });
    if (box) box.hidden = true;
    sections.forEach(function (s) { s.hidden = true; });
    changed.push(function () {
      chips.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.aspect === aspect)); });
      var shown = null;
      sections.forEach(function (s) {
        s.hidden = s.dataset.aspect !== aspect;
        if (!s.hidden) shown = s;
      });
      if (box) box.hidden = !shown;
      if (said) said.textContent = shown ? shown.querySelector(".aspect-line").textContent : "";
    });
    var find = function (id) {
      var pick = function (cards) { return (cards || []).filter(function (c) { return c.id === id; })[0]; };
      return pick(own) || pick(every);
    };
    // Opened on an aspect's section (a chip's link from a page without
    // JavaScript, or a bookmark): that aspect is chosen.
    var opened = sections.filter(function (s) { return "#" + s.id === location.hash; })[0];
    if (opened) { aspect = opened.dataset.aspect; apply(); opened.scrollIntoView(); }
    // A link to a card that a filter hides shows every card again.
    window.addEventListener("hashchange", function () {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = document.getElementById(id);
      if (target && !target.hidden) return;
      if (!find(id)) return;
      filter = "all";
      if (stars) stars.value = "";
      aspect = "";
      apply();
      target = document.getElementById(id);
      if (target) target.scrollIntoView();
    });
  }

  // Home page: search titles as you type.
  var search = document.getElementById("search");
  if (search) {
    var items = Array.prototype.slice.call(document.querySelectorAll(".subject-item"));
    var groups = Array.prototype.slice.call(document.querySelectorAll(".verdict-group"));
    var none = document.querySelector(".no-match");
    var said = document.getElementById("search-status");
    var template = search.closest(".search").dataset.shown;
    items.forEach(function (item) { item.dataset.folded = fold(item.dataset.search); });
    search.addEventListener("input", function () {
      var words = fold(search.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var hit = words.every(function (w) { return item.dataset.folded.indexOf(w) !== -1; });
        item.hidden = !hit;
        if (hit) shown++;
      });
      groups.forEach(function (g) { g.hidden = !g.querySelector(".subject-item:not([hidden])"); });
      none.hidden = shown !== 0;
      said.textContent = words.length ? template.replace("{n}", shown) : "";
    });
  }
})();
