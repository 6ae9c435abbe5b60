"""textblob-fr's French sentiment lexicon, merged once with sitegen's review
vocabulary, and a fast pattern-style scorer with French negation, intensifiers
and contrast.

textblob-fr ships ``fr-sentiment.xml`` (about 5,000 adjectives with polarity,
subjectivity and intensity). It misses review words ("navet", "bof",
"chef-d'œuvre"), rates "nul" at -0.2, and its negation turns "pas terrible" into
praise. ``generator/data/fr-review-lexicon.tsv`` adds and corrects entries,
including multi-word expressions ("pas terrible", "perte de temps", "à voir").

Everything is keyed by normalised tokens (see ``tokens.py``) and loaded once per
process; scoring a sentence is a handful of dict lookups.
"""

from __future__ import annotations

import hashlib
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from generator.analysis.textblob_fr_patch import textblob_en_data_path, textblob_fr_data_path
from generator.analysis.tokens import fold, normalized_tokens

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ADDITIONS_PATH = DATA_DIR / "fr-review-lexicon.tsv"
EN_ADDITIONS_PATH = DATA_DIR / "en-review-lexicon.tsv"

# Negators open a scope that reaches a few tokens ahead ("ce n'est pas un bon film").
NEGATORS = frozenset(
    [
        "ne",
        "n'",
        "pas",
        "jamais",
        "rien",
        "aucun",
        "aucune",
        "sans",
        "ni",
        "guere",
        "nullement",
        "point",
    ]
)
NEGATION_REACH = 4
# Multipliers for the next opinion word ("très bon", "un peu long").
INTENSIFIERS = {
    "tres": 1.5,
    "vraiment": 1.4,
    "trop": 1.3,
    "tellement": 1.4,
    "super": 1.5,
    "hyper": 1.5,
    "extremement": 1.6,
    "vachement": 1.4,
    "absolument": 1.5,
    "completement": 1.4,
    "totalement": 1.4,
    "particulierement": 1.3,
    "si": 1.3,
    "franchement": 1.3,
    "carrement": 1.4,
    "profondement": 1.4,
    "vraimment": 1.4,
    "assez": 0.8,
    "plutot": 0.8,
    "moins": 0.5,
    "presque": 0.7,
}
# "peu" flips a positive word ("peu crédible") and softens a negative one.
DIMINISHERS = frozenset(("peu",))
# What follows a contrast weighs more than what precedes it ("bon début, mais ...").
CONTRASTS = frozenset(["mais", "cependant", "pourtant", "toutefois", "neanmoins"])
BREAKS = frozenset([".", ",", ";", ":", "!", "?", "...", "(", ")", '"', "-"])
AFTER_CONTRAST = 1.5
BEFORE_CONTRAST = 0.6
# Words naming the kind of work: the model is trained on TV-series reviews and
# applied to films too, so "film" and "série" must not carry the training data's
# bias (a series review that talks about "film" tends to be negative).
WORK_WORDS = frozenset(
    [
        "film",
        "films",
        "serie",
        "series",
        "saison",
        "saisons",
        "episode",
        "episodes",
        "feuilleton",
        "sitcom",
    ]
)
WORK_TOKEN = "<oeuvre>"
# Where a negation's scope ends for the model's NOT_ features.
CLAUSE_END = frozenset([".", ",", ";", ":", "!", "?", "...", "(", ")", '"', "mais"])


@dataclass(frozen=True)
class Rules:
    """A language's word lists for the scorer and the model's features: the same
    algorithm runs for every language, with these tables."""

    negators: frozenset[str]
    negation_reach: int
    intensifiers: dict[str, float]
    diminishers: frozenset[str]
    contrasts: frozenset[str]
    breaks: frozenset[str]
    work_words: frozenset[str]
    work_token: str
    clause_end: frozenset[str]


FRENCH = Rules(
    NEGATORS,
    NEGATION_REACH,
    INTENSIFIERS,
    DIMINISHERS,
    CONTRASTS,
    BREAKS,
    WORK_WORDS,
    WORK_TOKEN,
    CLAUSE_END,
)
# English, on the same normalised tokens: "don't" is read "don" "t", so "t" negates.
ENGLISH = Rules(
    negators=frozenset(
        [
            "not",
            "no",
            "never",
            "nothing",
            "none",
            "nor",
            "neither",
            "without",
            "t",
            "cannot",
            "cant",
            "dont",
            "didnt",
            "doesnt",
            "isnt",
            "wasnt",
            "wont",
            "wouldnt",
            "couldnt",
            "shouldnt",
            "arent",
            "werent",
            "hardly",
            "barely",
        ]
    ),
    negation_reach=3,
    intensifiers={
        "very": 1.5,
        "really": 1.4,
        "so": 1.3,
        "too": 1.3,
        "extremely": 1.6,
        "super": 1.5,
        "absolutely": 1.5,
        "totally": 1.4,
        "completely": 1.4,
        "incredibly": 1.6,
        "highly": 1.4,
        "truly": 1.4,
        "particularly": 1.3,
        "especially": 1.3,
        "quite": 0.9,
        "pretty": 0.9,
        "fairly": 0.8,
        "rather": 0.8,
        "somewhat": 0.7,
        "slightly": 0.5,
        "less": 0.5,
        "almost": 0.7,
    },
    diminishers=frozenset(),
    contrasts=frozenset(["but", "however", "though", "although", "yet", "nevertheless"]),
    breaks=BREAKS,
    work_words=frozenset(
        [
            "movie",
            "movies",
            "film",
            "films",
            "show",
            "shows",
            "series",
            "season",
            "seasons",
            "episode",
            "episodes",
        ]
    ),
    work_token="<work>",
    clause_end=frozenset([".", ",", ";", ":", "!", "?", "...", "(", ")", '"', "but"]),
)
RULES = {"fr": FRENCH, "en": ENGLISH}


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, tuple[float, float]]  # token -> (polarity, subjectivity)
    phrases: dict[str, tuple[tuple[tuple[str, ...], float, float], ...]]  # first token -> entries
    digest: str  # hash of the data it was built from
    rules: Rules = FRENCH


_lock = threading.Lock()
_lexicon: Lexicon | None = None  # French, the default (analysis/snapshot.py saves it)
_others: dict[str, Lexicon] = {}  # other languages, built on first use


def _read_textblob(path: str) -> tuple[dict[str, tuple[float, float]], bytes]:
    """Average a pattern-style sentiment XML's word senses per form, keyed by the
    folded form (textblob-fr's ``fr-sentiment.xml``, TextBlob's ``en-sentiment.xml``)."""
    raw = Path(path).read_bytes()
    sums: dict[str, list[float]] = {}
    for node in ET.fromstring(raw).iter("word"):
        form = node.get("form")
        if not form:
            continue
        p = float(node.get("polarity", 0.0))
        s = min(1.0, max(0.0, float(node.get("subjectivity", 0.0))))
        entry = sums.setdefault(fold(form), [0.0, 0.0, 0])
        entry[0] += p
        entry[1] += s
        entry[2] += 1
    words = {w: (round(p / n, 4), round(s / n, 4)) for w, (p, s, n) in sums.items()}
    return words, raw


def _sources(language: str) -> tuple[str, Path]:
    """(the base sentiment XML, sitegen's additions) of a language."""
    if language == "fr":
        return textblob_fr_data_path("fr-sentiment.xml"), ADDITIONS_PATH
    if language == "en":
        return textblob_en_data_path("en-sentiment.xml"), EN_ADDITIONS_PATH
    raise ValueError(f"no lexicon for language {language!r}")


def lexicon_digest(language: str = "fr") -> str:
    """``load_lexicon(language).digest`` from the files' bytes, without parsing them
    (a rebuild with nothing to analyse only needs the cache key)."""
    loaded = _lexicon if language == "fr" else _others.get(language)
    if loaded is not None:
        return loaded.digest
    base, additions = _sources(language)
    return hashlib.sha256(Path(base).read_bytes() + additions.read_bytes()).hexdigest()[:16]


def _build(language: str) -> Lexicon:
    base, additions_path = _sources(language)
    words, raw = _read_textblob(base)
    additions = additions_path.read_bytes()
    phrases: dict[str, list[tuple[tuple[str, ...], float, float]]] = {}
    for line in additions.decode("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expression, polarity, subjectivity = line.split("\t")
        tokens = tuple(normalized_tokens(expression))
        value = (float(polarity), float(subjectivity))
        if len(tokens) == 1:
            words[tokens[0]] = value
        elif tokens:
            phrases.setdefault(tokens[0], []).append((tokens, *value))
    frozen = {k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in phrases.items()}
    digest = hashlib.sha256(raw + additions).hexdigest()[:16]
    return Lexicon(words, frozen, digest, RULES[language])


def load_lexicon(language: str = "fr") -> Lexicon:
    """A language's merged lexicon (built once per process, thread-safe)."""
    global _lexicon
    if language == "fr":
        if _lexicon is not None:
            return _lexicon
        with _lock:
            if _lexicon is None:
                _lexicon = _build("fr")
        return _lexicon
    loaded = _others.get(language)
    if loaded is not None:
        return loaded
    with _lock:
        if language not in _others:
            _others[language] = _build(language)
    return _others[language]


@dataclass(frozen=True)
class ScoreTables:
    """Look-up tables derived from a lexicon once, for ``score_tokens`` (and the
    model's phrase merging): they add nothing to the lexicon, they only answer
    its questions faster."""

    # Expressions by their first two tokens, in the lexicon's order (longest
    # first): (tokens, polarity, subjectivity, tokens joined by "_").
    by_pair: dict[tuple[str, str], tuple[tuple[tuple[str, ...], float, float, str], ...]]
    opinion: frozenset[str]  # first tokens of expressions, words with a polarity
    scored: frozenset[str]  # every token score_tokens acts on; it skips the others


_tables: dict[int, tuple[Lexicon, ScoreTables]] = {}


def score_tables(lexicon: Lexicon) -> ScoreTables:
    """The lexicon's ``ScoreTables`` (built once per lexicon object)."""
    found = _tables.get(id(lexicon))
    if found is not None and found[0] is lexicon:
        return found[1]
    by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], float, float, str]]] = {}
    for entries in lexicon.phrases.values():
        for expr, p, subj in entries:
            if len(expr) < 2:  # never stored as a phrase (one token is a word)
                raise ValueError(f"one-token lexicon phrase {expr!r}")
            by_pair.setdefault((expr[0], expr[1]), []).append((expr, p, subj, "_".join(expr)))
    opinion = frozenset(lexicon.phrases) | {w for w, (p, _) in lexicon.words.items() if p != 0.0}
    rules = lexicon.rules
    scored = (
        opinion
        | rules.contrasts
        | rules.breaks
        | rules.negators
        | frozenset(rules.intensifiers)
        | rules.diminishers
    )
    tables = ScoreTables({k: tuple(v) for k, v in by_pair.items()}, opinion, scored)
    with _lock:
        _tables[id(lexicon)] = (lexicon, tables)
    return tables


def score_tokens(
    tokens: list[str], lexicon: Lexicon, visit: list[int] | None = None
) -> tuple[float, float, int, float]:
    """Score one sentence's normalised tokens: the one implementation of the
    lexicon's rules, used by the model's training and by the analyzer.

    Returns ``(positive, negative, count, subjectivity)``: the weighted sums of
    positive and (absolute) negative word scores, how many opinion words were
    found and the sum of their subjectivity. ``visit``: the positions of the
    tokens in ``score_tables(lexicon).scored``, in order, when the caller knows
    them (the analyzer does); any other token changes nothing here.
    """
    tables = score_tables(lexicon)
    if visit is None:
        scored = tables.scored
        visit = [i for i, t in enumerate(tokens) if t in scored]
    words = lexicon.words
    rules = lexicon.rules
    contrasts, breaks, negators = rules.contrasts, rules.breaks, rules.negators
    intensifiers, diminishers, reach = rules.intensifiers, rules.diminishers, rules.negation_reach
    pos = neg = subj = 0.0
    count = 0
    last_negator = -100
    intensity = 1.0
    intensity_at = -100
    # Contrast: if the sentence has one, what comes before the last weighs less.
    contrast_at = -1
    for i in visit:
        if tokens[i] in contrasts:
            contrast_at = i
    weight = BEFORE_CONTRAST if contrast_at >= 0 else 1.0
    skip_to = 0  # past the last expression matched
    for i in visit:
        if i < skip_to:
            continue
        t = tokens[i]
        if i == contrast_at:
            weight = AFTER_CONTRAST
            last_negator = -100
            continue
        if t in breaks:
            last_negator = -100
            intensity_at = -100
            continue
        matched = _match_phrase(tokens, i, t, tables)
        if matched is not None:
            expr, p, s = matched
            count += 1
            value = p * weight
            if value > 0:
                pos += value
            else:
                neg -= value
            subj += s
            skip_to = i + len(expr)
            last_negator = -100
            continue
        if t in negators:
            last_negator = i
            continue
        factor = intensifiers.get(t)
        if factor is not None or t in diminishers:
            # Multiplies the next opinion word; "peu" flips a positive one.
            intensity = factor if factor is not None else -0.5
            intensity_at = i
            continue
        value_s = words.get(t)
        if value_s is not None and value_s[0] != 0.0:
            p = _word_polarity(
                value_s[0], i - intensity_at <= 2, intensity, i - last_negator <= reach
            )
            value = p * weight
            if value > 0:
                pos += value
            else:
                neg -= value
            subj += value_s[1]
            count += 1
            intensity_at = -100
    return pos, neg, count, subj


def _match_phrase(
    tokens: list[str], i: int, t: str, tables: ScoreTables
) -> tuple[tuple[str, ...], float, float] | None:
    """The lexicon's first expression starting at ``tokens[i]`` (= ``t``), if any."""
    if i + 1 >= len(tokens):
        return None
    entries = tables.by_pair.get((t, tokens[i + 1]))
    if entries:
        for expr, p, s, _ in entries:
            if tuple(tokens[i : i + len(expr)]) == expr:
                return expr, p, s
    return None


def _word_polarity(p: float, intensified: bool, intensity: float, negated: bool) -> float:
    """An opinion word's polarity after the intensifier before it and negation."""
    if intensified:
        if intensity < 0:
            p = p * intensity if p > 0 else p * 0.5
        else:
            p = max(-1.0, min(1.0, p * intensity))
    if negated:
        # "pas bon" is bad, "pas mauvais" is only mildly good.
        p = -0.7 * p if p > 0 else -0.4 * p
    return p


def merge_phrases(tokens: list[str], lexicon: Lexicon) -> list[str]:
    """Model tokens: join the lexicon's multi-word expressions into one token
    (``pas mal du tout`` -> ``pas_mal_du_tout``), so the n-gram model does not read
    "pas" and "mal" apart (the expression's meaning then comes from the lexicon
    features), and replace words naming the kind of work by one placeholder."""
    phrases = lexicon.phrases
    work_words, work_token = lexicon.rules.work_words, lexicon.rules.work_token
    tokens = [work_token if t in work_words else t for t in tokens]
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        t = tokens[i]
        entries = phrases.get(t)
        if entries:
            for expr, _, _ in entries:
                k = len(expr)
                if tuple(tokens[i : i + k]) == expr:
                    out.append("_".join(expr))
                    i += k
                    break
            else:
                out.append(t)
                i += 1
        else:
            out.append(t)
            i += 1
    return out
