{#- Every card of a subject of several pages, for the filters and sorting of its
    pages (site.js loads this file when a reader filters or sorts: a <script src>
    works from file://, where fetching JSON does not). -#}
{% from "_card.html" import review_card with context %}
window.SITEGEN_CARDS = {"subject": {{ subject.slug|js_string }}, "total": {{ subject.review_count }}, "cards": [
{% for card in cards %}
{{ cards_js[loop.index0] if cards_js is not none else review_card(card)|trim|js_string }}{{ "," if not loop.last }}
{% endfor %}
]};
