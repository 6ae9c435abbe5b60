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

from generator.analysis.textblob_fr_patch import textblob_fr_data_path
from generator.analysis.tokens import fold, normalized_tokens

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
ADDITIONS_PATH = DATA_DIR / "fr-review-lexicon.tsv"

# Negators open a scope that reaches a few tokens ahead ("ce n'est pas un bon film").
NEGATORS = frozenset(
    "ne n' pas jamais rien aucun aucune sans ni guere nullement point".split()
)
NEGATION_REACH = 4
# Multipliers for the next opinion word ("très bon", "un peu long").
INTENSIFIERS = {
    "tres": 1.5, "vraiment": 1.4, "trop": 1.3, "tellement": 1.4, "super": 1.5,
    "hyper": 1.5, "extremement": 1.6, "vachement": 1.4, "absolument": 1.5,
    "completement": 1.4, "totalement": 1.4, "particulierement": 1.3, "si": 1.3,
    "franchement": 1.3, "carrement": 1.4, "profondement": 1.4, "vraimment": 1.4,
    "assez": 0.8, "plutot": 0.8, "moins": 0.5, "presque": 0.7,
}
# "peu" flips a positive word ("peu crédible") and softens a negative one.
DIMINISHERS = frozenset(("peu",))
# What follows a contrast weighs more than what precedes it ("bon début, mais ...").
CONTRASTS = frozenset("mais cependant pourtant toutefois neanmoins".split())
BREAKS = frozenset(". , ; : ! ? ... ( ) \" -".split())
AFTER_CONTRAST = 1.5
BEFORE_CONTRAST = 0.6


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, tuple[float, float]]  # token -> (polarity, subjectivity)
    phrases: dict[str, tuple[tuple[tuple[str, ...], float, float], ...]]  # first token -> entries
    digest: str  # hash of the data it was built from


_lock = threading.Lock()
_lexicon: Lexicon | None = None


def _read_textblob_fr() -> tuple[dict[str, tuple[float, float]], bytes]:
    """Average textblob-fr's word senses per form, keyed by the folded form."""
    path = textblob_fr_data_path("fr-sentiment.xml")
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


def lexicon_digest() -> str:
    """``load_lexicon().digest`` from the files' bytes, without parsing them (a
    rebuild with nothing to analyse only needs the cache key)."""
    if _lexicon is not None:
        return _lexicon.digest
    raw = Path(textblob_fr_data_path("fr-sentiment.xml")).read_bytes()
    return hashlib.sha256(raw + ADDITIONS_PATH.read_bytes()).hexdigest()[:16]


def load_lexicon() -> Lexicon:
    """The merged lexicon (built once per process, thread-safe)."""
    global _lexicon
    if _lexicon is not None:
        return _lexicon
    with _lock:
        if _lexicon is None:
            words, raw = _read_textblob_fr()
            additions = ADDITIONS_PATH.read_bytes()
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
            frozen = {
                k: tuple(sorted(v, key=lambda e: -len(e[0]))) for k, v in phrases.items()
            }
            digest = hashlib.sha256(raw + additions).hexdigest()[:16]
            _lexicon = Lexicon(words, frozen, digest)
    return _lexicon


def score_tokens(tokens: list[str], lexicon: Lexicon) -> tuple[float, float, int, float]:
    """Score one sentence's normalised tokens.

    Returns ``(positive, negative, count, subjectivity)``: the weighted sums of
    positive and (absolute) negative word scores, how many opinion words were
    found and the sum of their subjectivity.
    """
    words = lexicon.words
    phrases = lexicon.phrases
    pos = neg = subj = 0.0
    count = 0
    weight = 1.0
    last_negator = -100
    intensity = 1.0
    intensity_at = -100
    # Contrast: if the sentence has one, what comes before it weighs less.
    contrast_at = -1
    for i, t in enumerate(tokens):
        if t in CONTRASTS:
            contrast_at = i
    if contrast_at >= 0:
        weight = BEFORE_CONTRAST
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        if i == contrast_at:
            weight = AFTER_CONTRAST
            last_negator = -100
            i += 1
            continue
        if t in BREAKS:
            last_negator = -100
            intensity_at = -100
            i += 1
            continue
        entries = phrases.get(t)
        if entries:
            matched = False
            for expr, p, s in entries:
                k = len(expr)
                if tuple(tokens[i : i + k]) == expr:
                    count += 1
                    value = p * weight
                    if value > 0:
                        pos += value
                    else:
                        neg -= value
                    subj += s
                    i += k
                    last_negator = -100
                    matched = True
                    break
            if matched:
                continue
        if t in NEGATORS:
            last_negator = i
            i += 1
            continue
        factor = INTENSIFIERS.get(t)
        if factor is not None:
            intensity = factor
            intensity_at = i
            i += 1
            continue
        if t in DIMINISHERS:
            intensity = -0.5
            intensity_at = i
            i += 1
            continue
        value_s = words.get(t)
        if value_s is not None and value_s[0] != 0.0:
            p, s = value_s
            if i - intensity_at <= 2:
                if intensity < 0:
                    p = p * intensity if p > 0 else p * 0.5
                else:
                    p = max(-1.0, min(1.0, p * intensity))
            if i - last_negator <= NEGATION_REACH:
                # "pas bon" is bad, "pas mauvais" is only mildly good.
                p = -0.7 * p if p > 0 else -0.4 * p
            value = p * weight
            if value > 0:
                pos += value
            else:
                neg -= value
            subj += s
            count += 1
            intensity_at = -100
        i += 1
    return pos, neg, count, subj


# Words naming the kind of work: the model is trained on TV-series reviews and
# applied to films too, so "film" and "série" must not carry the training data's
# bias (a series review that talks about "film" tends to be negative).
WORK_WORDS = frozenset(
    "film films serie series saison saisons episode episodes feuilleton sitcom".split()
)
WORK_TOKEN = "<oeuvre>"


def merge_phrases(tokens: list[str], lexicon: Lexicon) -> list[str]:
    """Model tokens: join the lexicon's multi-word expressions into one token
    (``pas mal du tout`` -> ``pas_mal_du_tout``), so the n-gram model does not read
    "pas" and "mal" apart (the expression's meaning then comes from the lexicon
    features), and replace words naming the kind of work by one placeholder."""
    phrases = lexicon.phrases
    tokens = [WORK_TOKEN if t in WORK_WORDS else t for t in tokens]
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
