"""The fast analysis path gives exactly the results of the straightforward one.

Rules added since (ANALYZER_VERSION "3": glued sentences such as
"identifie.Les", dotted initials such as "B.O. excellente", the aspects' display
forms per sentence) are written plainly in the reference too, so these tests keep
proving the fast path equivalent.

``tests/reference_analysis.py`` keeps the analysis code as it was before the
speed work (per-sentence ``str.translate`` folding, feature strings, every token
walked, no memo). Every comparison here is of ``repr``s, so floats must agree bit
for bit (``-0.0`` and ``0.0`` differ). No timing here: speed is measured by
``benchmarks/bench_analyzer.py``.

All texts are written for these tests.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re

import pytest
import reference_analysis as ref
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.analysis import Analyzer, aspects, clauses, clear_caches, model, tokens
from generator.analysis.sentences import split_sentences

TEXTS = [
    "",
    " ",
    "\n\n",
    "...",
    "!!!",
    "Super.",
    "Bof",
    "Ce n'est pas un bon film.",
    "Ce n’est pas un bon film, mais les acteurs sont excellents !",
    "Pas mal du tout ! Je n'ai jamais ri autant. Rien à redire.",
    "Pas terrible... Une perte de temps, franchement.",
    "C'est très très bon, vraiment génial. Un peu long peut-être ?",
    "L'histoire est prenante ; la mise en scène, sublime. La B.O est magnifique.",
    "Les effets spéciaux sont ratés mais la bande originale et la bande-son sauvent tout.",
    "Le jeu des acteurs est bon, le jeu d'acteurs aussi. Les Chansons, la chanson.",
    "Emmanuelle Seigner est formidable. Seigner joue juste. Mais Saison Deux déçoit.",
    "Omar Sy et François Cluzet : un duo génial !!! À voir absolument.",
    "Un chef-d'œuvre. Un chef d'oeuvre. Œuvre ÆTHER cœur sœur.",
    "trooooop bieeeen le fiiilm, genial!!! exellent, decevante, magnifiqe",
    # Tripled letters in one sentence, aspects judged clause by clause in both.
    "Le scénario est nuuuul mais les acteurs sont géniaux. La musique est belle, le rythme lent.",
    "c' est nul . j' ai pas aimé . qu' est -ce que c' est ?",
    "QU'IL est LONG ! JUSQU'À la fin... LORSQU'ON s'ennuie, PUISQU'IL le faut.",
    "Qu'il soit dit. Jusqu'au bout ! Lorsqu'on aime. Puisqu'il faut.",
    "Ç'a été un plaisir ; ça m'a plu. Ç’aurait pu être pire.",
    "M. Dupont et Mme Durand, etc. ont noté 4.5 sur 5. C.-à-d. pas mal. Dr. House !",
    "Fin de saison…Quelle claque. L'artiste...Meme pas peur. Et puis….. rien",
    "On y croit.Les acteurs sont bons!Super?Oui. M.Dupont, www.Site.fr, 3.Le, etc.Bof, Mr.Bean",
    "Une B.O. superbe. La B.O. Les U.S.A. et la V.O. !. Fin .Un mot :Top. feel-good.Les fans",
    "Bravo!.Le film?!La suite..!Encore. Allocine.Fr et Netflix.Com , bof.Ça, É.Tonnant, ab .Cd",
    "Il pleut.\nIl fait beau.\n\nLa série est top.» Non ? « Si ! »",
    "Le film 🎬 est génial 😍👍 !!! Vraiment 🔥🔥",
    "ΟΔΟΣ ΣΟΦΟΣ... Σ. İstanbul est belle. İİİ",
    "Un épisode pilote, puis des épisodes sans fin, une saga, une sitcom, un feuilleton.",
    "Ni bon ni mauvais, sans intérêt, aucun suspense, guère drôle, nullement réussi.",
    "Pourtant l'intrigue est bonne, cependant le rythme est lent ; toutefois on rit.",
    "Les personnages, les dialogues, le scénario, la réalisation, l'interprétation, le casting.",
    "Excellent, Excellent, EXCELLENT, excellent, excellents, excellente, excellentes.",
    "Jean-Pierre Jeunet et Marc Caro signent un film-culte ; le réalisateur-scénariste brille.",
    "’’ '' l' d’ ’ ' -- — – … ... .... ..... (!) [?] {x} <b>gras</b> & % $ # @ * + = / \\",
    "1er épisode : 10/10. 2e : 3/10. 3ème saison, 24h chrono, 007, 3D, 4K, 1.5 étoile",
    "Un navet. Bof. Nul, nul, nul. Une catastrophe ! Quelle horreur... Ennui total.",
    "Incroyable ! Bouleversant ! Magnifique ! Sublime ! Parfait ! Chef-d'œuvre absolu !",
    "Scénario : 2/5. Acteurs : 4/5. Musique : 5/5. Effets : 1/5. Dialogues : 3/5.",
    "é à è ù â ê î ô û ë ï ü ÿ ç ñ á í ó ú ã õ ö ì ò É À È Ù Â Ê Î Ô Û Ë Ï Ü Ÿ Ç Ñ",
    "Tabulations\tet\tespaces  multiples   ici.\r\nFin de ligne Windows.\rEt Mac.",
    "ﬁlm ﬂop Straße ǅemal ǈ ǋ ẞ K Å Ω ſ",
    "Anticonstitutionnellement " + "vraiment" * 12 + " " + "é" * 70 + " x" + "y" * 61 + ".",
    # English (its own model and aspect lists) and a language sitegen does not analyse.
    "Works great... Easy & fun to use! This is the best Alexa Echo I have owned, very happy.",
    "I don't like the battery life, but customer service was not bad. Waste of money? No.",
    "The Oura Ring's app is buggy; sleep tracking isn't accurate. Returned it.",
    "La película es muy buena, pero el final no me gustó nada.",
]
LONG = " ".join(TEXTS[6:]) * 3
TEXTS.append(LONG)
TEXTS.append("\n".join(TEXTS[6:20]))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def same(a: object, b: object) -> bool:
    return repr(a) == repr(b)


@pytest.mark.parametrize("text", TEXTS)
def test_analyze_matches_reference(analyzer: Analyzer, text: str) -> None:
    assert same(analyzer.analyze(text), ref.analyze(analyzer, text))


def test_results_do_not_depend_on_memos(analyzer: Analyzer) -> None:
    warm = [analyzer.analyze(t) for t in TEXTS]
    clear_caches()
    assert not tokens._RUNS
    cold = [analyzer.analyze(t) for t in TEXTS]
    assert same(warm, cold)
    assert same(cold, [ref.analyze(analyzer, t) for t in TEXTS])


def test_memo_limit_reached(monkeypatch: pytest.MonkeyPatch, analyzer: Analyzer) -> None:
    # With the per-word memos full, words are recomputed each time: same results.
    clear_caches()
    monkeypatch.setattr(model, "MEMO_LIMIT", 3)
    monkeypatch.setattr(tokens, "RUNS_LIMIT", 3)
    for memo in (aspects._token_marks,):
        memo.update({f"__filler{i}": 0 for i in range(200_000)})
    try:
        for text in TEXTS[:25]:
            assert same(analyzer.analyze(text), ref.analyze(analyzer, text))
        m = model.load_model()
        # Only the model file's table is there: no word was added past the limit.
        assert m._fast.char_sums.keys() == m.word_char_sums.keys()
        assert len(m._fast.codes) <= 3
        assert len(m._fast.words) <= 3
        assert len(tokens._RUNS) <= 3
    finally:
        clear_caches()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_token_memo_loop_is_the_maps(language: str) -> None:
    # aspects._folds_and_marks (the loop the compiled core runs instead of
    # _folded_tokens' maps) reads each token's fold and mark from the one memo,
    # filling it on a miss: each token's fold_1to1 and _mark, memo empty or full.
    v = aspects.VOCABULARIES[language]
    clear_caches()
    for _ in range(2):
        for text in TEXTS:
            spaced = aspects._SPACED_WORD_RE.findall(text)
            folds = [aspects.fold_1to1(t.lstrip().lower()) for t in spaced]
            marks = [aspects._mark(t.lstrip(), f, v) for t, f in zip(spaced, folds)]
            assert aspects._folds_and_marks(spaced, v.marks) == (folds, marks)
            assert [v.marks[t] for t in spaced] == list(zip(folds, marks))


def test_shipped_word_sums_are_the_computed_ones() -> None:
    # The model file's per-word character sums (training/train_sentiment.py) are,
    # bit for bit, what the straightforward code computes for each word.
    for language in ("fr", "en"):
        m = model.load_model(language=language)
        table = m.word_char_sums
        assert len(table) > 1000
        for word, value in table.items():
            assert same(value, ref.word_chars(m, word)[0]), word


def test_results_do_not_depend_on_the_shipped_word_sums(analyzer: Analyzer) -> None:
    # A model without the table (an older model file, a test model) gives the
    # same results: the table only saves summing a word's n-grams.
    m = model.load_model()
    bare = dataclasses.replace(m, word_char_sums={})
    assert m.word_char_sums and not bare._fast.char_sums
    for text in TEXTS:
        for start, end in split_sentences(text):
            toks = ref.normalized_tokens(text[start:end])
            assert same(bare.sentence_raw(toks), m.sentence_raw(toks))
    clear_caches()
    assert m._fast.char_sums.keys() == m.word_char_sums.keys()


@pytest.mark.parametrize("text", TEXTS)
def test_pieces_match_reference(analyzer: Analyzer, text: str) -> None:
    m = analyzer._model
    assert split_sentences(text) == ref.split_sentences(text)
    assert tokens.fold(text) == ref.fold(text)
    assert tokens.normalized_tokens(text) == ref.normalized_tokens(text)
    assert tokens.FAST_TOKEN_RE.findall(text) == tokens.TOKEN_RE.findall(text)
    assert tokens.FAST_TOKEN_RE.findall(ref.fold(text)) == tokens.TOKEN_RE.findall(ref.fold(text))
    assert tokens._scan(ref.fold(text), tokens.SCAN_TOKENS) == tokens.TOKEN_RE.findall(
        ref.fold(text)
    )
    assert aspects._FAST_WORD_RE.findall(text) == aspects.WORD_RE.findall(text)
    assert aspects.fold_1to1(text.lower()) == text.lower().translate(ref._FOLD_1TO1)
    for start, end in split_sentences(text):
        sentence = text[start:end]
        toks = ref.normalized_tokens(sentence)
        assert same(m.sentence_raw(toks), ref.sentence_raw(m, toks))
        assert aspects.extract_spans(sentence) == ref.extract_spans(sentence)
        for t in toks:
            assert same(m._word_chars(t), ref.word_chars(m, t))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_compiled_sentence_sums_match_the_reference(language: str) -> None:
    # model._raw is Model.sentence_raw in the compiled core (one record a token);
    # here it runs as the build runs it (plain Python under SITEGEN_PURE_PYTHON=1),
    # so both forms are checked, cold and warm, against the feature strings.
    m = model.load_model(language=language)
    for memos in ("cold", "warm"):
        if memos == "cold":
            clear_caches()
        for text in TEXTS:
            for start, end in split_sentences(text):
                toks = ref.normalized_tokens(text[start:end])
                expected = ref.sentence_raw(m, toks)
                assert same(model._raw(m._fast, toks, False, m.negation_marking), expected)
                some = model._raw(m._fast, toks, True, m.negation_marking)
                assert same(some, expected) or (some is None and not expected[4] + expected[5])


def _scorer_words(language: str) -> list[str]:
    """Tokens that each rule of ``lexicon.score_tokens`` and of the model's
    expression merging acts on (and a few it ignores), for random sentences."""
    lexicon = model.load_lexicon(language)
    rules = lexicon.rules
    words = sorted(lexicon.words)
    opinion = [w for w in words if lexicon.words[w][0] != 0.0]
    phrased = sorted({t for entries in lexicon.phrases.values() for e in entries for t in e[0]})
    return sorted(
        {*opinion[::40], *phrased[::3], *rules.negators, *rules.intensifiers}
        | {*rules.diminishers, *rules.contrasts, *rules.breaks, *rules.work_words}
        | {"le", "film", "est", "xyzzy", "tres", "bon", "pas", "mal", "du", "tout"}
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_random_scorer_sentences_match_reference(language: str) -> None:
    # sentence_raw (compiled or plain) against the reference: random runs of the
    # words the lexicon's rules act on (intensifiers before clamped polarities,
    # negators, phrases, contrasts, breaks) give the reference's numbers, cold
    # and warm.
    import random

    m = model.load_model(language=language)
    words = _scorer_words(language)
    lexicon = model.load_lexicon(language)
    expressions = sorted(e[0] for entries in lexicon.phrases.values() for e in entries)
    rng = random.Random(20261208)
    clear_caches()
    for _ in range(3000):
        toks = []
        for _ in range(rng.randint(1, 10)):  # words, and whole expressions
            toks += rng.choice(expressions) if rng.random() < 0.15 else [rng.choice(words)]
        expected = ref.sentence_raw(m, toks)
        assert same(m.sentence_raw(toks), expected), toks
        some = m.sentence_raw(toks, True)
        assert same(some, expected) or (some is None and not expected[4] + expected[5]), toks


def test_repeat_check_agrees() -> None:
    for text in TEXTS + ["aaa", "aab", "xAAAy", "éééé", "ooo!", "a a a"]:
        folded = ref.fold(text)
        assert tokens.has_repeats(folded) == bool(ref._REPEATS.search(folded))


def test_every_accent_folds_as_the_reference() -> None:
    # The compiled fold marks the accents a text holds in a 64-bit word.
    assert len(tokens._ACCENT_CHARS) <= 64
    chars = tokens._ACCENT_CHARS
    for text in [*chars, chars, chars[::-1], "Élève " + chars.upper() + " œuvre"]:
        assert tokens.fold(text) == ref.fold(text)


# --- random text ------------------------------------------------------------

WORDS = (
    "c' l' d' qu' jusqu' lorsqu' puisqu' n' s' j' m' t' Qu' QU' JUSQU' "
    "film série saison épisode scénario acteurs mise en scène effets spéciaux bande originale "
    "b o bo jeu des d' pas mal du tout terrible perte de temps à voir chef-d'œuvre "
    "ne jamais rien aucun sans ni très vraiment trop peu assez mais pourtant cependant "
    "bon bonne excellent génial nul navet bof ennui long drôle triste superbe "
    "Emmanuelle Seigner Omar Sy Paris Les Mais Saison M. Mme etc. Dr. C.-à-d. 4.5 "
    "identifie.Les beau!Le www.Site.fr B.O. Mr.Bean temps .Un"
).split()
ALPHABET = (
    "aeiouyscdjlmnqtrpAEIOUSCDJLMNQTRPéèêàùçôîïüœæÉÀÇŒ’'-_.,;:!?…«»\"()[]+*/ \n\t0123456789😀ΣσςİK"
)

fragment = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet=ALPHABET, min_size=1, max_size=8),
    st.sampled_from([" ", " ", " ", ". ", "! ", "? ", "... ", "…", "\n", ", ", "’", "'", " ' "]),
)
review_text = st.lists(fragment, max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=review_text)
def test_random_reviews_match_reference(text: str) -> None:
    analyzer = Analyzer()
    assert same(analyzer.analyze(text), ref.analyze(analyzer, text))


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_random_unicode_matches_reference(text: str) -> None:
    analyzer = Analyzer()
    assert same(analyzer.analyze(text), ref.analyze(analyzer, text))
    assert tokens.fold(text) == ref.fold(text)
    assert split_sentences(text) == ref.split_sentences(text)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(review_text, st.text(max_size=40)))
def test_random_regexes_match(text: str) -> None:
    assert tokens.FAST_TOKEN_RE.findall(text) == tokens.TOKEN_RE.findall(text)
    assert aspects._FAST_WORD_RE.findall(text) == aspects.WORD_RE.findall(text)
    spaced = aspects._SPACED_WORD_RE.findall(text)
    assert [t.lstrip() for t in spaced] == aspects.WORD_RE.findall(text)
    assert "".join(spaced) == text.rstrip()  # the pieces tile the text (_Starts)
    # The scans that replace these patterns in the compiled core (in C there;
    # here as plain Python when the suite runs pure).
    assert tokens._scan(text, tokens.SCAN_TOKENS) == tokens.TOKEN_RE.findall(text)
    assert tokens._scan(text, tokens.SCAN_WORDS) == aspects.WORD_RE.findall(text)
    assert tokens._scan(text, tokens.SCAN_SPACED_WORDS) == spaced
    assert tokens._tripled(text) == (tokens._HAS_REPEATS.search(text) is not None)
    spans = [m.span() for m in ref._BOUNDARY.finditer(text)]
    from generator.analysis.sentences import _FAST_BOUNDARY

    assert [m.span() for m in _FAST_BOUNDARY.finditer(text)] == spans


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(review_text, st.text(max_size=40)), data=st.data())
def test_token_spans_are_the_sums_of_lengths(text: str, data: st.DataObject) -> None:
    # aspects._Starts.span adds the tokens' lengths up in C at each call when
    # compiled (here as plain Python when the suite runs pure), where the plain
    # form makes the list of every token's end once: the same offsets, those of
    # the tokens as written, from the first one's first character.
    spaced = aspects._SPACED_WORD_RE.findall(text)
    if not spaced:
        return
    first = data.draw(st.integers(0, len(spaced) - 1))
    last = data.draw(st.integers(first, len(spaced) - 1))
    ends = list(itertools.accumulate(map(len, spaced)))
    start, end = ends[first] - len(spaced[first].lstrip()), ends[last]
    starts = aspects._Starts(spaced)
    assert starts.span(first, last) == (start, end)
    assert starts.span(first, last) == (start, end)  # a second call, as the walk makes
    assert text[start:end] == "".join(spaced[first : last + 1]).lstrip()


# Sentence ends: marks, closing quotes and brackets, capitals at the edges of
# [A-ZÀ-ÖØ-Þ], white space that is not a space, initials, web addresses.
boundary_text = st.lists(
    st.one_of(
        st.sampled_from(WORDS + ["www.Site.fr", "Allocine.Fr", "ab .Cd", "4.5", "3.Le"]),
        st.text(alphabet=".!?…\n \t\u00a0\"'»”)]-_AZaÀÖ×ØÞßÿé1Ωİ", min_size=1, max_size=6),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(boundary_text, review_text, st.text(max_size=40)))
def test_sentence_split_is_the_patterns(text: str) -> None:
    # Compiled, split_sentences finds _FAST_BOUNDARY's matches by a loop over the
    # characters, and the words before a mark by tokens.word_before; the
    # reference runs the readable patterns.
    assert split_sentences(text) == ref.split_sentences(text)


@settings(max_examples=1000, deadline=None)
@given(
    text=st.one_of(boundary_text, st.text(alphabet="ab_-. \n\t1é😀İ", max_size=12)),
    lo=st.integers(-3, 15),
    at=st.integers(-3, 50),
)
def test_word_before_is_the_patterns(text: str, lo: int, at: int) -> None:
    from generator.analysis import sentences

    for dots, pattern in ((True, sentences._WORD_BEFORE), (False, sentences._GLUED_WORD_BEFORE)):
        found = pattern.search(text, max(lo, 0), max(at, 0))
        expected = found.group(1) if found else ""
        assert tokens.word_before(text, lo, max(at, 0), dots) == expected


def _language_words() -> list[str]:
    from generator.analysis import language

    table = language.load_table()
    return sorted(table.weights)[::50] + sorted(table.other_words)[::5]


language_text = st.lists(
    st.one_of(st.sampled_from(_language_words()), st.sampled_from([" ", " ", ", ", "é", "1"])),
    max_size=120,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(language_text, review_text, st.text(max_size=40)))
def test_language_tally_is_the_patterns(text: str) -> None:
    # Compiled, detect_folded counts the words in one loop; the same counts and
    # the same score, to the bit, as the pattern and the dict passes.
    from generator.analysis import language

    table = language.load_table()
    for folded in (text, tokens.fold(text), tokens.fold(text) * 3):
        assert same(language._tally(folded, table), language._tally_words(folded, table))


def pieces_text(pieces: list[str], alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    """Texts made of ``pieces`` and short runs of ``alphabet``'s characters."""
    return st.lists(
        st.one_of(st.sampled_from(pieces), st.text(alphabet=alphabet, min_size=1, max_size=5)),
        max_size=max_size,
    ).map("".join)


connector_text = pieces_text(
    clauses.CONTRAST_WORDS
    + clauses.JOIN_WORDS
    + ["bien que", "par contre", "meme si", "en revanche", "tandis  que", "alors quel"]
    + ["qu'", "qu'il", "jusqu'", "qu", "quoi", "et2", "_et", "cette", "ou-bien", "—", "–"]
    + [" - ", "\t-\n", " -", "- ", " ", " ", ",", ";", ":", "(", ")", "[", "]", "'", "é"]
    # Word characters beyond ASCII letters (the compiled scan tests ASCII first).
    + ["²", "ß", "Σ", "١", "\u0301", "ÉT", "Mais", "9"],
    "abeiqtuos _-'",
    30,
)


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(connector_text, review_text, st.text(max_size=40)))
def test_clause_boundaries_are_the_patterns(text: str) -> None:
    # clauses.boundaries tries clauses._BOUNDARY only where a match may start
    # (compiled, it reads the text once instead: clauses._scan_boundaries, run
    # here in both builds): the same matches as trying it everywhere.
    for folded in (text, aspects.fold_1to1(text.lower())):
        expected = [(m.start(), m.end(), m.lastgroup) for m in clauses._BOUNDARY.finditer(folded)]
        assert clauses.boundaries(folded) == expected
        assert clauses._scan_boundaries(folded) == expected


compared_text = pieces_text(
    clauses._COMPARED_STARTS
    + ["à la manière", "À LA FAÇON", "Digne d'", "dignes de", "RAPPELLE", "Inspiré"]
    + ["loin du", "mieux que", "pire que", "meilleure que", "as in", "compared to"]
    + ["préféré", "PRÉFÈRE", "prefère", "PREFÉRER", "Pâlir", "liKe", "İnspiré", "ſtyle"]
    + ["ınspir", "Σ", " ", ","],
    "aeilmnoprstuvéâ 'É",
    20,
)


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(compared_text, review_text, st.text(max_size=40)))
def test_comparisons_are_the_pattern(text: str) -> None:
    # clauses._comparisons tries clauses._COMPARED only where a match may begin.
    assert [m.span() for m in clauses._comparisons(text, text.lower())] == [
        m.span() for m in clauses._COMPARED.finditer(text)
    ]
    # Where the compiled core tries it (clauses._comparison_starts, run here in
    # both builds): the needles' occurrences after no word character.
    low = text.lower()
    if len(low) == len(text):
        found = clauses._occurrences(low, clauses._COMPARED_STARTS)
        assert clauses._comparison_starts(text, low) == sorted(
            {i for i in found if not re.match(r"\w", text[i - 1 : i])}
        )


# Near the halves round4 leaves to round: k / 10000 + 0.00005, a few ulps off.
near_half = st.builds(
    lambda k, ulps: (
        math.nextafter(k / 10000 + 0.00005, math.copysign(math.inf, ulps)) + 0.0
        if ulps
        else k / 10000 + 0.00005
    ),
    st.integers(-(10**7), 10**7),
    st.integers(-3, 3),
)


@settings(max_examples=2000, deadline=None)
@given(
    x=st.one_of(
        st.floats(width=64),
        st.floats(min_value=-1.0, max_value=1.0),
        near_half,
        st.integers(-(10**6), 10**6).map(lambda k: k / 20000),
    )
)
def test_round4_is_round(x: float) -> None:
    # Compiled, model.round4 rounds by an integer nearest x * 10000 (round
    # where that is too close to a half to tell); in plain Python it is round.
    assert same(model.round4(x), round(x, 4))
    assert same(model.round4(-x), round(-x, 4))


elision_text = pieces_text(
    ["c'", "l'", "qu'", "jusqu'", "lorsqu'", "puisqu'", "del'", "aqu'", "' ", "'  ", "l' l' "]
    + ["xl'", "_l'", "1l'", "él'", "l'\n", "l' é", "l' _", "l' .", "  "],
    "cdjlmnstqu' _é1",
    20,
)


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(elision_text, review_text, st.text(max_size=30)))
def test_spaced_elision_deletion_is_the_pattern(text: str) -> None:
    # tokens_of_folded glues "l' acteur" back with a plain-string substitution.
    assert tokens._SPACES_AFTER_ELISION.sub("'", text) == ref._SPACED_ELISION.sub(r"\1'", text)


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(elision_text, review_text, st.text(max_size=30)))
def test_runs_cut_one_by_one_are_the_text_cut(text: str) -> None:
    # Compiled, tokens_of_folded cuts a text without "' " run by run
    # (tokens._by_runs, each distinct run once); here its plain loop when the
    # suite runs pure. The same tokens as the text cut as a whole, folded or not.
    for folded in (text, ref.fold(text)):
        whole = tokens._cut(folded, True)
        if "' " not in folded:
            assert tokens._by_runs(folded) == whole
            assert tokens._by_runs(folded) == whole  # the runs now from the memo
        assert tokens.tokens_of_folded(folded) == whole


def plain_compared(sentence: str, start: int) -> bool:
    """clauses.compared as its patterns say it, every one tried everywhere."""
    before = sentence[:start]
    tail = before.rstrip()
    if len(tail) < len(before) and tail[-4:].lower() == "dans" and not re.match(r"\w", tail[-5:-4]):
        return True
    if clauses._A_KIND_OF.search(before, max(0, start - 30)):
        return True
    return any(
        clauses._NAMES_ONLY.fullmatch(before, m.end()) for m in clauses._COMPARED.finditer(before)
    )


kind_text = pieces_text(
    ["un", "une", "Un", "UNE", "uN", "son propre", "Sa Propre", "LEUR PROPRE", "(vrai)", "dans"]
    + ["Marvel", "Star Wars", "comme", "Danny Boyle", "de", "ſon", "İ", "Σ", "  ", "\n", ","],
    "aeilmnoprsuvé 'É(",
    16,
)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(kind_text, compared_text, review_text))
def test_compared_is_the_patterns(text: str) -> None:
    # compared tries _A_KIND_OF only where "un" or "propre" is, and finds the
    # comparison words' places by a scan (compiled: clauses._starts_at in C).
    for start in range(len(text) + 1):
        assert clauses.compared(text, start) == plain_compared(text, start), start


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=12), i=st.integers(-2, 14), word=st.text(max_size=4))
def test_starts_at_is_startswith(text: str, i: int, word: str) -> None:
    if i >= 0:
        assert clauses._starts_at(text, i, word) == text.startswith(word, i)


@settings(max_examples=500, deadline=None)
@given(
    sums=st.tuples(*[st.floats(allow_nan=True, allow_infinity=True, width=64)] * 2),
    counts=st.tuples(*[st.integers(min_value=0, max_value=10**6)] * 2),
    lexicon=st.tuples(*[st.floats(min_value=0.0, max_value=1e6)] * 2),
    language=st.sampled_from(["fr", "en"]),
)
def test_sentence_logit_is_the_model_score(
    sums: tuple[float, float], counts: tuple[int, int], lexicon: tuple[float, float], language: str
) -> None:
    # The analyzer's one function for a sentence's and a clause's polarity
    # (compiled with analyzer.py) against Model.score and _polarity as written.
    from generator.analysis import analyzer as analyzer_module

    m = model.load_model(language=language)
    (total, c_total), (n, c_n), (pos, neg) = sums, counts, lexicon
    weights = (*m.lex_weights, m.word_floor, m.char_floor)
    z = m.score(total, n, pos, neg, bias=False, char_sum=c_total, n_chars=c_n)
    got = analyzer_module._sentence_logit(total, n, c_total, c_n, pos, neg, weights)
    assert same(got, min(40.0, z))  # (NaN too: min(40.0, nan) is 40.0)
    assert same(analyzer_module._polarity(got), analyzer_module._polarity(z))


def test_reference_module_is_the_old_code() -> None:
    # The reference keeps the original patterns, not the fast rewrites.
    assert ref.TOKEN_RE.pattern == tokens.TOKEN_RE.pattern
    assert ref.WORD_RE.pattern == aspects.WORD_RE.pattern
    assert re.compile(ref._BOUNDARY.pattern).pattern.startswith("([.!?…]+")


def test_cache_key_digests_match_the_loaded_files() -> None:
    """The cache key hashes the model and lexicon files without loading them; the
    digests are the ones the loaded objects carry."""
    import subprocess
    import sys

    code = (
        "from generator.analysis import AnalysisSettings; from generator.analysis import model, lexicon;"
        "key = AnalysisSettings().cache_key();"
        "assert model._model is None and lexicon._lexicon is None, 'loaded';"
        "m = model.load_model();"
        "assert key == AnalysisSettings().cache_key(), key;"
        "assert f'm{m.digest}:l{m.lexicon.digest}' in key, key"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
