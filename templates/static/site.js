/* sitegen: progressive enhancement. Without this script every card and every title
   is shown and the controls stay hidden (see .js rules in style.css). */
(function () {
  "use strict";
  var fold = function (s) {
    return (s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };

  // Subject page: filter cards by sentiment, sort them.
  var toolbar = document.querySelector(".toolbar");
  var list = document.getElementById("cards");
  if (toolbar && list) {
    var cards = Array.prototype.slice.call(list.querySelectorAll("article.card"));
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button[data-filter]"));
    var select = toolbar.querySelector("select");
    var status = toolbar.querySelector(".status");
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
    var apply = function () {
      var order = orders[select.value] || orders.input;
      var sorted = cards.slice().sort(function (a, b) { return order(a, b) || orders.input(a, b); });
      var shown = 0;
      sorted.forEach(function (card) {
        var visible = filter === "all" || card.dataset.sentiment === filter;
        card.hidden = !visible;
        if (visible) shown++;
        list.appendChild(card);
      });
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.filter === filter)); });
      status.textContent = filter === "all" ? "" :
        toolbar.dataset.status.replace("{n}", shown).replace("{total}", cards.length);
    };
    buttons.forEach(function (b) {
      b.addEventListener("click", function () { filter = b.dataset.filter; apply(); });
    });
    select.addEventListener("change", apply);
    // A link to a card that a filter hides shows every card again.
    window.addEventListener("hashchange", function () {
      var target = document.getElementById(location.hash.slice(1));
      if (target && target.hidden) { filter = "all"; apply(); target.scrollIntoView(); }
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
