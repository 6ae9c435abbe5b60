"""The per-review analysis: sentences, sentiment, label and key phrases.

``Analyzer`` is what ``sitegen build`` and ``sitegen analyze`` run on every review.
It is built once per process (lexicons and model load once, as module-level
singletons, so a second ``Analyzer`` is cheap) and is pure: the same text and
settings always give the same ``ReviewAnalysis``.

Language: each review's language is detected (``language.py``: French, English
or other) unless the settings force one; French and English reviews go through
the same code with their language's tables (lexicon, model, aspect word lists);
a review in another language is not scored (label ``UNANALYSED``).

Sentiment: textblob-fr's lexicon (merged with sitegen's review vocabulary and
scored with French negation, intensifiers and contrast) feeds a small NB-scaled
logistic regression over word uni/bigrams and character 3-5-grams trained on
Allociné reviews
(``training/train_sentiment.py``); English: TextBlob's lexicon and a model of
the same kind trained on English reviews (``training/train_english.py``). Each
sentence is scored on its own (for quotes); each aspect mention takes the
polarity of the clause judging it, scored the same way (``clauses.py``); the
review score uses all its sentences together, and a long review's closing
sentence once more when it clearly goes against the rest (``closing_logit``).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass
from math import log1p, sqrt, tanh

from generator.analysis import aspects as _aspects
from generator.analysis import language as _language
from generator.analysis import tokens as _tokens
from generator.analysis.aspects import _load_tables as load_aspect_tables
from generator.analysis.aspects import drop_compared, fold_1to1
from generator.analysis.aspects import extract_spans as extract_aspects
from generator.analysis.clauses import clauses, judging_spans, lean_mentions
from generator.analysis.lexicon import lexicon_digest, load_lexicon
from generator.analysis.model import Model, load_model, loaded_models, model_digest, round4
from generator.analysis.sentences import split_sentences
from generator.analysis.tokens import fold, fold_lowered, has_repeats, tokens_of_folded
from generator.analysis.types import UNANALYSED, Mention, ReviewAnalysis, SentenceAnalysis
from generator.config import AnalysisConfig, Thresholds

log = logging.getLogger(__name__)

ANALYZER_VERSION = "19"
# A sentence this polar counts as a clear pro or con (mixed labels, aspect counts).
STRONG_SENTENCE = 0.3
MAX_KEY_PHRASES = 8
# A clause (or its block), scored without the mentions in it, gives its mentions
# its own polarity when it holds an opinion word and is at least this polar; else
# they lean as their sentence and review do (``clauses.leaning``). Chosen on
# films-aspects-dev, development data: 0.882 polarity accuracy there (version 10),
# against 0.865 from 0.2, 0.868 from 0.25, 0.865 from 0.35, 0.861 from 0.4.
CLAUSE_CLEAR = 0.3
# Above this |polarity| a review is never "mixed", whatever its sentences.
MIXED_CEILING = 0.3
# A review of at least CLOSING_SENTENCES sentences whose closing sentence is a
# clear opinion (STRONG_SENTENCE) the other way than the whole gets that
# sentence's logit (without the intercept), times CLOSING_WEIGHT, added to its
# own (``closing_logit``): a long spectator review's last sentence is often its
# verdict ("Je suis donc vraiment partagé... un très bon divertissement", "En
# bref, ... la totalité du show est décevante"). Only against the whole, so a
# review is never made surer than its text (the quotes' tiers read that
# certainty). Chosen on fr-allocine-films-2020-2025 and allocine-tv-dev (tuning
# sets) among weights 0.1 / 0.25 / 0.5 from 2, 3, 4 or 6 sentences; the figures
# are in training/README.md.
CLOSING_SENTENCES = 3
CLOSING_WEIGHT = 0.25


@dataclass(frozen=True)
class AnalysisSettings:
    """The settings that change analysis results (part of the cache key)."""

    positive: float = 0.1
    negative: float = -0.1
    mixed_share: float = 0.25
    language: str = "auto"  # "auto" (detected per review), "fr" or "en"

    @classmethod
    def from_thresholds(
        cls, thresholds: Thresholds, analysis: AnalysisConfig | None = None
    ) -> AnalysisSettings:
        return cls(
            positive=thresholds.positive,
            negative=thresholds.negative,
            mixed_share=thresholds.mixed_share,
            language=analysis.language if analysis is not None else "auto",
        )

    def cache_key(self) -> str:
        """The analyzer's version, its data's digests (each language's model and
        lexicon, and the language detector's table when it runs) and every field
        of these settings (a field added here is in the analysis cache's key at once)."""
        fields = ":".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
        detector = f":d{_language.table_digest()}" if self.language == "auto" else ""
        return (
            f"v{ANALYZER_VERSION}:m{model_digest()}:l{lexicon_digest()}"
            f":me{model_digest('en')}:le{lexicon_digest('en')}{detector}"
            f":a{_aspects.terms_digest()}:{fields}"
        )


def _sentence_logit(
    total: float,
    n: int,
    c_total: float,
    c_n: int,
    pos: float,
    neg: float,
    weights: tuple[float, float, float, int, int],
) -> float:
    """``min(40.0, model.score(total, n, pos, neg, bias=False, char_sum=c_total,
    n_chars=c_n))`` (NaN as 40.0) of a sentence's or a clause's
    ``Model.sentence_raw`` pieces (``weights``: the model's ``lex_weights``,
    ``word_floor`` and ``char_floor``): the same operations in the same order,
    so the same floats (tests/reference_analysis.py and
    tests/test_analysis_speed.py check), in one function for the review's loop
    and the clauses', without a method call with keywords and the
    ``lexicon_features`` tuple per clause. ``_polarity`` of it is the polarity."""
    lex_a, lex_b, lex_c, word_floor, char_floor = weights
    z = (
        total / sqrt(n if n > word_floor else word_floor)  # noqa: FURB136 (faster than max)
        + lex_a * log1p(pos)
        + lex_b * log1p(neg)
        + lex_c * ((pos - neg) / (pos + neg + 0.5))
    )
    if c_n:
        z += c_total / sqrt(c_n if c_n > char_floor else char_floor)  # noqa: FURB136
    return z if z < 40.0 else 40.0  # noqa: FURB136 - min(40.0, z), NaN included, inlined


def _polarity(z: float) -> float:
    """Logit -> P(positive) - P(negative), in [-1, 1]."""
    return math.tanh(max(-40.0, min(40.0, z)) / 2.0)


def closing_logit(z: float, closing: float, n_sentences: int) -> float:
    """A review's logit ``z`` with its closing sentence's logit ``closing``
    (clamped as ``_polarity`` clamps) counted again, times ``CLOSING_WEIGHT``,
    when the review has at least ``CLOSING_SENTENCES`` sentences and that
    sentence is a clear opinion (``STRONG_SENTENCE``) the other way."""
    if (
        n_sentences < CLOSING_SENTENCES
        or closing * z >= 0.0
        or abs(round4(_polarity(closing))) < STRONG_SENTENCE
    ):
        return z
    return z + CLOSING_WEIGHT * max(-40.0, min(40.0, closing))


class Analyzer:
    """Analyse review texts. Create one per process and reuse it."""

    version = ANALYZER_VERSION

    def __init__(
        self, settings: AnalysisSettings | None = None, *, model: Model | None = None
    ) -> None:
        self.settings = settings or AnalysisSettings()
        # ``model``: another set of weights (the evaluation harness's
        # leave-one-title-out models); builds always use the shipped one.
        self._model = model if model is not None else load_model()
        load_lexicon()
        load_aspect_tables()
        forced = self.settings.language
        self._forced = forced if forced in _language.LANGUAGES else None
        if self._forced is None:
            _language.load_table()
        # Other languages' tables load on their first review (a French site never
        # pays for them).
        self._models: dict[str, Model] = {"fr": self._model}

    def _model_for(self, language: str) -> Model:
        model = self._models.get(language)
        if model is None:
            model = self._models[language] = load_model(language=language)
        return model

    def label_for(self, polarity: float, sentences: tuple[SentenceAnalysis, ...]) -> str:
        s = self.settings
        strong = [x.polarity for x in sentences if abs(x.polarity) >= STRONG_SENTENCE]
        pros = sum(1 for p in strong if p > 0)
        cons = len(strong) - pros
        # Both clear pros and clear cons, each at least mixed_share of the opinions,
        # and no overwhelming overall score: a mixed review.
        if (
            strong
            and abs(polarity) < MIXED_CEILING
            and min(pros, cons) / len(strong) >= s.mixed_share
        ):
            return "mixed"
        if polarity >= s.positive:
            return "positive"
        if polarity <= s.negative:
            return "negative"
        return "mixed" if pros and cons else "neutral"

    def _clause_polarities(
        self,
        model: Model,
        sentence: str,
        at: int | None,
        folded: str,
        repeats: bool,
        parts: list[tuple[int, int, int]],
        found: list[tuple[str, str, int, int]],
        sentence_score: tuple[float, bool],
    ) -> list[float | None]:
        """The polarity of each mention in ``found``: its clause's, scored by the
        model as a sentence is, else its contrast block's (``clauses`` says which
        clause and block); None when neither holds a clear opinion
        (``clauses.leaning`` then gives it). A sentence of one clause is judged by
        its own score, ``sentence_score`` (its polarity, and whether it holds an
        opinion word). ``at``: where the sentence starts in ``folded`` (the
        review's fold); None when that fold does not line up with the text."""
        if len(parts) == 1:
            polarity, opinion = sentence_score
            return [polarity if opinion and abs(polarity) >= CLAUSE_CLEAR else None] * len(found)
        # Each piece's rounded polarity, or 0.0 when it holds no opinion word
        # (never clear: the mention then tries the next piece, or leans).
        scored: dict[tuple[tuple[int, int], ...], float] = {}
        sentence_raw = model.sentence_raw
        weights = (*model.lex_weights, model.word_floor, model.char_floor)
        out: list[float | None] = []
        for _, _, m_start, _ in found:
            polarity = None
            for pieces in judging_spans(parts, found, m_start, len(sentence)):
                got = scored.get(pieces)
                if got is None:
                    if at is not None:
                        piece = " ".join([folded[at + a : at + b] for a, b in pieces])
                    else:
                        piece = fold(" ".join([sentence[a:b] for a, b in pieces]))
                    raw = sentence_raw(tokens_of_folded(piece, repeats), True)
                    if raw is None or not raw[4] + raw[5] > 0:
                        got = 0.0
                    else:
                        total, n, c_total, c_n, pos, neg, _ = raw
                        z = _sentence_logit(total, n, c_total, c_n, pos, neg, weights)
                        got = round4(tanh((z if z > -40.0 else -40.0) / 2.0))  # noqa: FURB136
                    scored[pieces] = got
                if abs(got) >= CLAUSE_CLEAR:
                    polarity = got
                    break
            out.append(polarity)
        return out

    def _mentions(
        self,
        model: Model,
        where: tuple[str, int, str | None],
        found: list[tuple[str, str, int, int]],
        scored: tuple[float, bool],
        source: tuple[str, int | None, bool],
        into: tuple[list[Mention], list[float], dict[str, int], dict[str, str]],
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Record a sentence's aspect mentions (``found``) with their clauses'
        polarities, and count them per key; return the sentence's keys and their
        forms, in order of first mention. ``where``: the sentence, where it starts
        in the review and its one-to-one fold (or None); ``scored``: its rounded
        polarity and whether it holds an opinion; ``source``: the review's fold, where the
        sentence starts in it (None when that fold does not line up with the
        text), whether the review has tripled letters; ``into``: the review's
        mentions, their sentences' polarities, counts per key, display forms."""
        sentence, start, s_folded = where
        rounded, opinion = scored
        mentions, unclear, counts, display = into
        folded, at, repeats = source
        polarities = self._clause_polarities(
            model,
            sentence,
            at,
            folded,
            repeats,
            clauses(sentence, s_folded),
            found,
            (rounded, opinion),
        )
        for (key, shown, m_start, m_end), m_polarity in zip(found, polarities):
            mentions.append((key, shown, start + m_start, start + m_end, m_polarity))
            # A mention no clause judges clearly leans as its sentence and review
            # do (``lean_mentions``, in ``analyze``).
            unclear.append(rounded)
        keys: list[str] = []
        forms: list[str] = []
        for key, shown, _, _ in found:
            if key not in counts:
                counts[key] = 0
                display[key] = shown
                keys.append(key)
                forms.append(shown)
            elif key not in keys:
                keys.append(key)
                forms.append(shown)
            counts[key] += 1
        return tuple(keys), tuple(forms)

    def analyze(self, text: str) -> ReviewAnalysis:
        # Lower-case and fold the whole review once. Both folds work character by
        # character (but for the Greek capital sigma, whose lower case depends on
        # its neighbours), so when they keep the length, a sentence's fold is the
        # same slice of the review's fold.
        lowered = text.lower()
        folded = fold_lowered(lowered)
        language = self._forced or _language.detect_folded(folded)
        if language not in _language.LANGUAGES:
            return ReviewAnalysis(
                polarity=0.0, subjectivity=0.0, label=UNANALYSED, language=language
            )
        model = self._models.get(language) or self._model_for(language)
        vocabulary = _aspects.VOCABULARIES[language]
        sentence_raw = model.sentence_raw
        weights = (*model.lex_weights, model.word_floor, model.char_floor)
        make = tuple.__new__
        sentences = []
        total = 0.0
        n_feats = 0
        c_total = 0.0
        c_n = 0
        closing = 0.0  # the last sentence's logit (closing_logit)
        pos = neg = 0.0
        subj_sum = 0.0
        subj_n = 0
        counts: dict[str, int] = {}
        display: dict[str, str] = {}
        mentions: list[Mention] = []
        unclear: list[float] = []  # each mention's sentence's polarity
        aligned = len(lowered) == len(text) and "Σ" not in text
        model_slices = aligned and len(folded) == len(text)
        aspect_folded = fold_1to1(lowered) if aligned else None
        repeats = has_repeats(folded)
        for start, end in split_sentences(text):
            sentence = text[start:end]
            tokens = tokens_of_folded(
                folded[start:end] if model_slices else fold(sentence), repeats
            )
            s_total, s_n, s_ctotal, s_cn, s_pos, s_neg, s_subj = sentence_raw(tokens)
            total += s_total
            n_feats += s_n
            c_total += s_ctotal
            c_n += s_cn
            pos += s_pos
            neg += s_neg
            if s_subj:
                subj_sum += s_subj
                subj_n += 1
            z = _sentence_logit(s_total, s_n, s_ctotal, s_cn, s_pos, s_neg, weights)
            closing = z
            polarity = tanh((z if z > -40.0 else -40.0) / 2.0)  # noqa: FURB136 - _polarity(z)
            rounded = round4(polarity)
            s_folded = aspect_folded[start:end] if aligned else None
            found = extract_aspects(sentence, s_folded, vocabulary)
            if found:
                keys, forms = self._mentions(
                    model,
                    (sentence, start, s_folded),
                    drop_compared(sentence, found),
                    (rounded, s_pos + s_neg > 0),
                    (folded, start if model_slices else None, repeats),
                    (mentions, unclear, counts, display),
                )
            else:
                keys = forms = ()
            # SentenceAnalysis(...) without the named tuple's Python-level __new__.
            sentences.append(
                make(
                    SentenceAnalysis,
                    (sentence, start, end, rounded, round4(s_subj), keys, forms),
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
        lean_mentions(mentions, unclear, polarity)
        return self._result(
            polarity, (subj_sum, subj_n), tuple(sentences), counts, display, mentions, language
        )

    def _result(
        self,
        polarity: float,
        subjectivities: tuple[float, int],
        sentences: tuple[SentenceAnalysis, ...],
        counts: dict[str, int],
        display: dict[str, str],
        mentions: list[Mention],
        language: str,
    ) -> ReviewAnalysis:
        """The review's analysis from its sentences' (key phrases: the aspects named
        most often, as first written). ``subjectivities``: the sum of the
        subjective sentences' subjectivity, and their number."""
        subj_sum, subj_n = subjectivities
        subjectivity = subj_sum / subj_n if subj_n else 0.0
        order = sorted(counts, key=lambda k: -counts[k])[:MAX_KEY_PHRASES]
        return ReviewAnalysis(
            polarity=round4(max(-1.0, min(1.0, polarity))),
            subjectivity=round4(max(0.0, min(1.0, subjectivity))),
            label=self.label_for(polarity, sentences),
            sentences=sentences,
            key_phrases=tuple(display[k] for k in order),
            aspect_keys=tuple(order),
            mentions=tuple(mentions),
            language=language,
        )


def clear_caches() -> None:
    """Empty the analysis's per-word memo tables, as in a fresh process after
    loading (benchmarks use it to time cold passes; results never depend on it)."""
    load_model().clear_caches()
    for model in loaded_models():
        model.clear_caches()
    _aspects.clear_caches()
    _tokens.clear_caches()
