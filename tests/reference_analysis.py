"""The straightforward (slow) per-review analysis, kept as the reference the fast
path is tested against (``tests/test_analysis_speed.py``). It lives with the
tests: it is not shipped, and no cache key hashes it.

This is the analysis code as it stood before the speed work (ANALYZER_VERSION
"2"): one tokenisation per sentence, ``str.translate`` folding, the model's
features built as strings, the lexicon scorer and the aspect extractor walking
every token, character n-gram sums recomputed with no memo. It shares only the
loaded data (model weights, lexicon, aspect word tables), the specification
patterns and tables (``tokens.TOKEN_RE``, ``_ACCENTS``, ``sentences._BOUNDARY``...)
and the feature definitions training uses (``sentence_features``,
``char_features``, ``merge_phrases``) with the fast path. The lexicon's scorer
is no longer repeated here: ``lexicon.score_tokens`` is the one implementation,
used by training and the analyzer alike (called here without the analyzer's
positions, it visits every token itself). ``tests/test_golden_analysis.py``
guards the analysis as a whole.

Behaviour changed since then is changed here too, written plainly, so the
comparison still holds: ANALYZER_VERSION "3" splits glued sentences
("identifie.Les"), keeps dotted initials before a lower-case word ("B.O.
excellente") and records each aspect's display form per sentence; "5" takes
no verb with a hyphenated pronoun ("Est-ce", "Peut-on", "Croyez-moi") for a name,
reads "œ" as "oe" against the word lists, skips "chef d'œuvre" (an opinion) and
the common nouns of ``NOT_ASPECTS``, and merges the keys of ``KEY_ALIASES``;
"6" records every mention with its offsets (``extract_spans``, ``mentions``);
"8" reads aspect terms and synonyms from ``aspect_terms.tsv``, keeps other
common nouns only where an opinion word judges them, leaves out time frames,
complements of a mentioned head, generic heads introducing a name and names
only compared with, and gives each mention its clause's polarity; "10" scores
a clause without the mentions in it, leans a mention no clause judges clearly
as its sentence and review do (``clauses.leaning``), reads the English aspect
terms, keeps a common noun that is not a term only as the subject of a judging
verb, and shares the common-noun rules (``aspects.common_mention``); "11"
caps a leaning mention's polarity, reads a bracket as a clause inside the one it
interrupts, keys English aspect terms as the French ones they translate, and
takes no term after a subject pronoun ("je commande"); "12" takes a name after
"un", "une" or "son propre", or after "remake", "préférer" or "faire pâlir", for
another work; "13" tries a clause with the one after it before its block ("X et
Y sont brillantes") and takes no "produit par" (a participle) for a mention; "14"
does the former only for a clause of nothing but its mentions; "19" counts a
review's closing sentence again (``analyzer.closing_logit``).
"""

from __future__ import annotations

import re

from generator.analysis import aspects as _aspects
from generator.analysis import sentences as _sentences
from generator.analysis import tokens as _tokens
from generator.analysis.analyzer import (
    CLAUSE_CLEAR,
    MAX_KEY_PHRASES,
    Analyzer,
    _polarity,
    closing_logit,
)
from generator.analysis.clauses import clauses, judging_spans, leaning
from generator.analysis.language import detect
from generator.analysis.lexicon import merge_phrases, score_tokens
from generator.analysis.model import Model, char_features, load_model, sentence_features
from generator.analysis.types import UNANALYSED, ReviewAnalysis, SentenceAnalysis

# --- tokens.py ---------------------------------------------------------------

# The specification patterns and tables (what the fast code must match).
TOKEN_RE = _tokens.TOKEN_RE
_ACCENTS = _tokens._ACCENTS
_REPEATS = _tokens._REPEATS
_SPACED_ELISION = re.compile(rf"\b({'|'.join(_tokens.ELIDED)})' +(?=\w)")
_DOTS = _tokens._DOTS


def fold(text: str) -> str:
    return text.lower().translate(_ACCENTS)


def normalized_tokens(text: str) -> list[str]:
    folded = _DOTS.sub("...", _REPEATS.sub(r"\1\1", fold(text)))
    if "' " in folded:
        folded = _SPACED_ELISION.sub(r"\1'", folded)
    return TOKEN_RE.findall(folded)


# --- sentences.py ------------------------------------------------------------

_ABBREVIATIONS = _sentences._ABBREVIATIONS
_GLUED_ABBREVIATIONS = _sentences._GLUED_ABBREVIATIONS
_BOUNDARY = _sentences._BOUNDARY  # the readable pattern; _FAST_BOUNDARY is what runs
_WORD_BEFORE = _sentences._WORD_BEFORE
_WEB_AFTER = _sentences._WEB_AFTER


def split_sentences(text: str) -> list[tuple[int, int]]:
    # ANALYZER_VERSION "3" added the glued-punctuation rule ("identifie.Les") and
    # dotted initials before a lower-case word ("B.O. excellente") to the
    # original splitter; both paths share these rules, written plainly here.
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        punct = match.group(1)
        run = match.group(0)
        if punct is None and run[0] in ".!?" and not run.endswith(".."):
            # A single mark glued to a capital letter.
            m = re.search(r"([\w-]+) *$", text[max(0, match.start() - 40) : match.start()])
            word = m.group(1).lower() if m else ""
            if (
                len(word) < 2
                or not word.replace("-", "").isalpha()
                or word in _GLUED_ABBREVIATIONS
                or _WEB_AFTER.match(text, end)
            ):
                continue
        if punct == ".":
            before = _WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
            raw = before.group(1) if before else ""
            word = raw.lower()
            if word in _ABBREVIATIONS or (len(raw) == 1 and raw.isalpha() and raw.isupper()):
                continue
            if "." in word and all(len(part) <= 2 for part in word.split(".")):
                rest = text[end:].lstrip()
                if rest and rest[0].islower():
                    continue
        _append(text, start, end, spans)
        start = end
    _append(text, start, len(text), spans)
    return spans


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        spans.append((start, end))


# --- model.py ----------------------------------------------------------------


def word_chars(model: Model, token: str) -> tuple[float, int]:
    grams = char_features(token)
    w = model.char_weights
    return sum(w.get(g, 0.0) for g in grams), len(grams)


def sentence_raw(
    model: Model, tokens: list[str]
) -> tuple[float, int, float, int, float, float, float]:
    w = model.weights
    total = 0.0
    feats = sentence_features(
        merge_phrases(tokens, model.lexicon), model.negation_marking, model.lexicon.rules
    )
    for f in feats:
        v = w.get(f)
        if v is not None:
            total += v
    c_total = 0.0
    c_n = 0
    for t in tokens:
        hit = word_chars(model, t)
        c_total += hit[0]
        c_n += hit[1]
    pos, neg, count, subj = score_tokens(tokens, model.lexicon)
    return total, len(feats), c_total, c_n, pos, neg, subj / count if count else 0.0


# --- aspects.py --------------------------------------------------------------

WORD_RE = _aspects.WORD_RE
DETERMINERS = _aspects.DETERMINERS
STOP = _aspects.STOP
EXTRA_NOUNS = _aspects.EXTRA_NOUNS
PHRASES = _aspects.PHRASES
_PHRASE_FIRST = {k[0] for k in PHRASES}
_FOLD_1TO1 = _aspects._FOLD_1TO1
_SENTENCE_END = _aspects._SENTENCE_END
singular_key = _aspects.singular_key


def _common_kind(
    f: str, nouns: frozenset[str], other: frozenset[str], v: _aspects.Vocabulary
) -> tuple[int, str]:
    f = f.replace("œ", "oe")
    if f in v.terms:
        return 1, v.terms[f]
    if v.singular(f) in v.terms:
        return 1, v.terms[v.singular(f)]
    if len(f) < 3 or f in v.stop or f in v.not_aspects or "'" in f:
        return 0, ""
    key = v.singular(f)
    if key in v.stop or key in v.not_aspects:
        kind = 0
    elif f in nouns or key in nouns:
        kind = 3 if v is _aspects.FRENCH else 1
    elif f not in other and key not in other and f.isalpha() and len(f) > 3:
        kind = 2
    else:
        kind = 0
    return kind, v.key_aliases.get(key, key)


def extract(sentence: str, v: _aspects.Vocabulary = _aspects.FRENCH) -> list[tuple[str, str]]:
    return [(key, shown) for key, shown, _, _ in extract_spans(sentence, v)]


def extract_spans(
    sentence: str, v: _aspects.Vocabulary = _aspects.FRENCH
) -> list[tuple[str, str, int, int]]:
    nouns, other = v.tables()
    phrases = v.phrases
    phrase_first = {k[0] for k in phrases}
    matches = list(WORD_RE.finditer(sentence))
    tokens = [m.group() for m in matches]
    folded = WORD_RE.findall(sentence.lower().translate(_FOLD_1TO1))
    if len(folded) != len(tokens):
        folded = [fold(t).replace("’", "'") for t in tokens]
    out: list[tuple[str, str, int, int]] = []
    n = len(tokens)
    i = 0
    last_end = -1
    while i < n:
        t = tokens[i]
        f = folded[i]
        if f in phrase_first:
            hit = None
            for length in (3, 2, 1):
                key = tuple(folded[i : i + length])
                if key in phrases:
                    hit = phrases[key], len(key)
                    break
            if hit:
                if hit[0] is not None:
                    span = (matches[i].start(), matches[i + hit[1] - 1].end())
                    out.append((hit[0][0], _aspects._written(sentence[span[0] : span[1]]), *span))
                    last_end = i + hit[1]
                i += hit[1]
                continue
        opens = i == 0 or tokens[i - 1][-1] in _SENTENCE_END
        if (
            t[0].isupper()
            and not t.isupper()
            and t[0].isalpha()
            and f.replace("œ", "oe") not in nouns
            and f.replace("œ", "oe") not in other
            and f.replace("œ", "oe") not in v.stop
            and v.singular(f.replace("œ", "oe")) not in nouns
            and v.singular(f.replace("œ", "oe")) not in v.terms
            and not ("-" in t and t.split("-")[-1] in v.clitics)
            and (not opens or len(f) > 3)
        ):
            j = i
            parts = []
            while (
                j < n
                and tokens[j][0].isupper()
                and not tokens[j].isupper()
                and tokens[j][0].isalpha()
            ):
                parts.append(tokens[j])
                j += 1
            first_at = i
            while parts and (
                fold(parts[0]) in other
                or fold(parts[0]) in v.stop
                or fold(parts[0]) in v.extra_nouns
                or fold(parts[0]) in v.terms
            ):
                parts.pop(0)
                first_at += 1
            while len(parts) > 1 and v.singular(fold(parts[-1])) in v.extra_nouns:
                parts.pop()
            shortest = 3 if len(parts) == 1 else 2
            if (
                parts
                and len(parts[-1]) >= shortest
                and fold(parts[-1]) not in v.stop
                and fold(parts[-1]) not in other
            ):
                key = fold(parts[-1])
                span = (matches[first_at].start(), matches[first_at + len(parts) - 1].end())
                out.append((key, " ".join(parts), *span))
            i = j
            continue
        kind, key = _common_kind(f, nouns, other, v)
        # The rules for a common noun (aspects.common_mention) are shared.
        aspect = kind != 0 and _aspects.common_mention(tokens, folded, i, (kind, key), last_end, v)
        if aspect:
            out.append((key, t.lower() if not t.isupper() or len(t) > 3 else t, *matches[i].span()))
            last_end = i + 1
        i += 1
    return out


# --- analyzer.py -------------------------------------------------------------


def clause_polarities(
    model: Model, sentence: str, found: list, sentence_polarity: float, clear: bool
) -> list[float | None]:
    """Each mention's polarity: its clause's (without the mentions in it) when
    that holds an opinion word and is clear enough, else its contrast block's
    (likewise), else None (the caller leans it). A sentence of one clause:
    the sentence's own polarity when ``clear``."""
    parts = clauses(sentence)
    if len(parts) == 1:
        return [sentence_polarity if clear else None] * len(found)

    def score(pieces: tuple[tuple[int, int], ...]) -> tuple[float, bool]:
        text = " ".join(sentence[a:b] for a, b in pieces)
        total, n, c_total, c_n, pos, neg, _ = sentence_raw(model, normalized_tokens(text))
        z = model.score(total, n, pos, neg, bias=False, char_sum=c_total, n_chars=c_n)
        return round(_polarity(z), 4), pos + neg > 0

    out: list[float | None] = []
    for _, _, m_start, _ in found:
        polarity = None
        for pieces in judging_spans(parts, found, m_start, len(sentence)):
            got, opinion = score(pieces)
            if opinion and abs(got) >= CLAUSE_CLEAR:
                polarity = got
                break
        out.append(polarity)
    return out


def analyze(analyzer: Analyzer, text: str) -> ReviewAnalysis:
    """``Analyzer.analyze`` as it was: the reference result for ``text``, in
    the language the settings force or ``language.detect`` finds."""
    language = analyzer.settings.language
    if language == "auto":
        language = detect(text)
    if language not in ("fr", "en"):
        return ReviewAnalysis(polarity=0.0, subjectivity=0.0, label=UNANALYSED, language=language)
    model = load_model(language=language)
    vocabulary = _aspects.VOCABULARIES[language]
    sentences = []
    total = 0.0
    n_feats = 0
    c_total = 0.0
    c_n = 0
    pos = neg = 0.0
    subj_sum = 0.0
    subj_n = 0
    counts: dict[str, int] = {}
    display: dict[str, str] = {}
    mentions = []
    unclear = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        tokens = normalized_tokens(sentence)
        s_total, s_n, s_ctotal, s_cn, s_pos, s_neg, s_subj = sentence_raw(model, tokens)
        total += s_total
        n_feats += s_n
        c_total += s_ctotal
        c_n += s_cn
        pos += s_pos
        neg += s_neg
        if s_subj:
            subj_sum += s_subj
            subj_n += 1
        closing = model.score(
            s_total, s_n, s_pos, s_neg, bias=False, char_sum=s_ctotal, n_chars=s_cn
        )
        polarity = _polarity(closing)
        keys = []
        forms = []
        found = _aspects.drop_compared(sentence, extract_spans(sentence, vocabulary))
        clear = s_pos + s_neg > 0 and abs(round(polarity, 4)) >= CLAUSE_CLEAR
        polarities = clause_polarities(model, sentence, found, round(polarity, 4), clear)
        for (key, shown, m_start, m_end), m_polarity in zip(found, polarities):
            if m_polarity is None:
                unclear.append((len(mentions), round(polarity, 4)))
            mentions.append((key, shown, start + m_start, start + m_end, m_polarity))
            if key not in counts:
                counts[key] = 0
                display[key] = shown
                keys.append(key)
                forms.append(shown)
            elif key not in keys:
                keys.append(key)
                forms.append(shown)
            counts[key] += 1
        sentences.append(
            SentenceAnalysis(
                sentence,
                start,
                end,
                round(polarity, 4),
                round(s_subj, 4),
                tuple(keys),
                tuple(forms),
            )
        )
    if n_feats:
        polarity = _polarity(
            closing_logit(
                model.score(total, n_feats, pos, neg, char_sum=c_total, n_chars=c_n),
                closing,
                len(sentences),
            )
        )
    else:
        polarity = 0.0
    for k, sentence_polarity in unclear:
        mentions[k] = (*mentions[k][:4], leaning(sentence_polarity, polarity))
    subjectivity = subj_sum / subj_n if subj_n else 0.0
    result = tuple(sentences)
    order = sorted(counts, key=lambda k: -counts[k])[:MAX_KEY_PHRASES]
    return ReviewAnalysis(
        polarity=round(max(-1.0, min(1.0, polarity)), 4),
        subjectivity=round(max(0.0, min(1.0, subjectivity)), 4),
        label=analyzer.label_for(polarity, result),
        sentences=result,
        key_phrases=tuple(display[k] for k in order),
        aspect_keys=tuple(order),
        mentions=tuple(mentions),
        language=language,
    )
