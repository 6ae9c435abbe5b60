"""Aspects: the things reviewers talk about (nouns, a few noun phrases, proper
names), found with textblob-fr's French lexicon (``fr-lexicon.txt`` part-of-speech
tags, read once), a stop list and suffix rules -- no tagger runs per review.

Each mention gets a canonical key that merges case, accents and number
(``Chansons`` / ``chanson`` -> ``chanson``; ``Emmanuelle Seigner`` / ``Seigner``
-> ``seigner``) and keeps the display form it was written with.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate, compress, count
from operator import itemgetter
from pathlib import Path
from typing import Any

from generator.analysis.clauses import compared
from generator.analysis.lexicon import load_lexicon
from generator.analysis.textblob_fr_patch import textblob_en_data_path, textblob_fr_data_path
from generator.analysis.tokens import (
    _ELISION_TAIL,
    SCAN_SPACED_WORDS,
    _replace_all,
    _scan,
    fold,
)
from generator.analysis.tokens import COMPILED as _SCAN_IN_C

try:  # Cython's pure-Python mode: True in this module compiled, False here
    import cython

    COMPILED = cython.compiled
except ImportError:  # pragma: no cover - Cython is needed only to build
    COMPILED = False

WORD_RE = re.compile(
    r"(?:[cdjlmnstCDJLMNST]|[Qq]u|[Jj]usqu|[Ll]orsqu|[Pp]uisqu)['’](?=\w)|\w+(?:-\w+)*|[^\w\s]+"
)
# WORD_RE written to run faster, with the same matches (see tokens.FAST_TOKEN_RE).
_FAST_WORD_RE = re.compile(
    r"[^\s](?:" + _ELISION_TAIL + r"|(?<=\w)\w*+(?:-\w++)*+|(?<=[^\w\s])[^\w\s]*+)"
)
# The same tokens, each with the white space before it (``t.lstrip()`` is the
# token): every character but white space is in a token, so these pieces tile
# the text and their lengths add up to where each token ends (``_Starts``).
_SPACED_WORD_RE = re.compile(r"\s*+(?:" + _FAST_WORD_RE.pattern + ")")

DETERMINERS = frozenset(
    (
        "le la les l' un une des du de d' ce cet cette ces son sa ses leur leurs mon ma mes "
        "ton ta tes notre nos votre vos au aux quel quelle quels quelles chaque plusieurs "
        "certains certaines tous toutes"
    ).split()
)
# Never aspects: function words, pronouns, generic nouns, review meta-words.
STOP = frozenset(
    (
        "a ai as au aux avec avoir c' ca ce ceci cela celle celles celui ces cet cette chez comme "
        "comment d' dans de des donc dont du elle elles en encore est et etc etre eu fait faire "
        "il ils j' je l' la le les leur leurs lui m' ma mais me meme mes moi mon n' ne ni non nos "
        "notre nous on ou par pas peu plus pour pourquoi qu' quand que quel quelle qui quoi s' sa "
        "sans se ses si son sont sur ta te tes toi ton tous tout toute toutes tres tu un une vos "
        "votre vous y deja aussi alors apres avant bien bon bof car ceux enfin ici ici-bas "
        "jamais la-dedans mal moins ok oui peut-etre quelque rien seulement tant toujours trop vraiment "
        "voila voici beaucoup assez autre autres chacun lorsque puis puisque quoique "
        # generic nouns and review meta-words
        "film films chose choses fois gens moment moments temps fait faits truc trucs avis note notes "
        "genre coup coups part facon maniere monde an ans annee annees heure heures minute minutes "
        "jour jours soir cas point points niveau cote reste debut fin suite mot mots sens envie "
        "personne personnes question questions probleme problemes aspect aspects ensemble place "
        "passage idee chose quelqu'un quelque-chose exemple rapport titre critique critiques "
        "spectateur spectateurs public cinema oeuvre oeuvres tele television ecran salle "
        "dvd etoile etoiles merci bravo lol mdr fan fans avis vue oeil yeux tete main mains "
        "serie series saga histoire-la peine mieux pire plupart milieu bout fond facon sorte "
        "tout-le-monde quelqu'une madame monsieur mr mme m bref hein ah oh eh bah ben euh "
        "francais francaise americain americaine vrai faux grand petit gros pres grace doute air "
        "fois-ci ailleurs abord lieu coeur cours mesure propos travers vie "
        # interjections and discourse words that open sentences ("Tiens, ...")
        "tiens tenez ouais helas perso sinon hum waouh wow ouf allez voyons aujourd "
        # English titles' article ("The Walking Dead"), which folds to "thé"
        "the "
        # evaluative nouns: what is judged is elsewhere ("aucun intérêt", "des qualités")
        "interet interets qualite qualites defaut defauts"
    ).split()
)
# Common nouns that are not aspects, though a name may end with them ("Jacques
# Perle"): nouns of set phrases that name nothing reviewed, judgements standing for
# the thing judged.
NOT_ASPECTS = frozenset(
    (
        # "tenir la route", "faire mouche", "tenir en haleine", "vaut le détour", "au
        # fil des épisodes", "en somme", "face à", "à cause de", "à la hauteur", "tiré
        # par les cheveux", "à la base", "avoir hâte", "avoir besoin", "d'habitude",
        # "j'ai l'impression", "avec impatience", "au départ", "pour l'instant",
        # "d'accord", "une dizaine d'épisodes", "sans queue ni tête", "rester sur sa
        # faim", "en commun", "du lot"
        "route mouche haleine detour fil somme face cause hauteur cheveu cheveux base hate "
        "besoin habitude impression raison nombre preuve hasard chapeau attention "
        "impatience depart instant accord dizaine vingtaine centaine moitie majorite "
        "maximum queue faim commun lot conseil numero "
        # "une honte", "un must", "une perle"
        "honte niaiserie niaiseries betise betises debilite mediocrite platitude perfection "
        "excellence must perle delice ordure pitie naufrage bijou merveille regal "
        # what the reviewer felt or waited for, not the thing judged ("un grand
        # plaisir", "une attente interminable")
        "plaisir attente bonheur deception joie regret"
    ).split()
)
# Keys of other spellings of an aspect ("suspens", "suspence": "suspense").
KEY_ALIASES = {"suspen": "suspense", "suspence": "suspense", "scenarii": "scenario"}
# Review nouns textblob-fr's lexicon does not list as nouns.
EXTRA_NOUNS = frozenset(
    (
        "scenario scenarios realisation realisateur realisateurs realisatrice interpretation "
        "casting actrice actrices comedien comediens comedienne comediennes intrigue intrigues "
        "dialogue dialogues suspense doublage montage photographie decor decors costume costumes "
        "episode episodes saison saisons personnage personnages musique musiques chanson chansons "
        "bande-son humour emotion emotions mise-en-scene effets bo b.o soundtrack rebondissement "
        "rebondissements acteur acteurs jeu scenariste scenaristes rythme image images scene scenes "
        "action fin-de-saison finale pilote cliffhanger zombies zombie univers ambiance atmosphere "
        "duo heros heroine heroines mechant mechants voix chanteuse chanteur "
        # shops, products and services
        "livraison livraisons livreur vendeur vendeurs vendeuse remboursement remboursements "
        "emballage emballages commande commandes produit produits sav colis batterie abonnement"
    ).split()
)
# Multi-word aspects and aliases: folded token sequence -> (key, display).
PHRASES: dict[tuple[str, ...], tuple[str, str] | None] = {
    # Opinions, not aspects: their words are skipped ("chef" is not an aspect).
    **{
        (chef, d, oeuvre): None
        for chef in ("chef", "chefs")
        for d in ("d'", "d")
        for oeuvre in ("oeuvre", "oeuvres", "œuvre", "œuvres")
    },
    **{
        (chef, "'", oeuvre): None  # "Chef-d'œuvre" is read "chef-d" "'" "œuvre"
        for chef in ("chef-d", "chefs-d")
        for oeuvre in ("oeuvre", "oeuvres", "œuvre", "œuvres")
    },
    ("en", "suspens"): None,  # "unresolved", not the suspense
    # Set phrases built on an aspect noun that name no aspect: "met en scène",
    # "au final" ("in the end"), "du début à la fin", "tirer son épingle du
    # jeu", "en jeu".
    ("en", "scene"): None,
    ("en", "scenes"): None,
    ("au", "final"): None,
    ("debut", "a", "la"): None,
    ("epingle", "du", "jeu"): None,
    ("en", "jeu"): None,
    ("bande", "annonce"): ("bande-annonce", "bande-annonce"),
    ("bandes", "annonces"): ("bande-annonce", "bandes-annonces"),
    ("bande-annonce",): ("bande-annonce", "bande-annonce"),
    ("bandes-annonces",): ("bande-annonce", "bandes-annonces"),
}
_PHRASE_FIRST = {k[0] for k in PHRASES}
_FOLD_1TO1 = str.maketrans("àâäáãçéèêëîïíìôöóòõùûüúÿñ’", "aaaaaceeeeiiiiooooouuuuyn'")
_FOLD_1TO1_CHARS = "àâäáãçéèêëîïíìôöóòõùûüúÿñ’"
_FOLD_1TO1_PAIRS = tuple(zip(_FOLD_1TO1_CHARS, "aaaaaceeeeiiiiooooouuuuyn'"))


def fold_1to1(lowered: str) -> str:
    """``lowered.translate(_FOLD_1TO1)``: one character for one, so a review's
    folded text lines up with the review (faster than ``str.translate``)."""
    return _replace_all(lowered, _FOLD_1TO1_PAIRS, _FOLD_1TO1_CHARS)


_SENTENCE_END = frozenset(".!?…")

_lock = threading.Lock()
_tables: tuple[frozenset[str], frozenset[str]] | None = None
_word_classes: tuple[frozenset[str], frozenset[str]] | None = None
# Past participles the lexicon knows only as something else than a noun
# ("intrigué"): folding would make them nouns ("intrigue").
_accented_non_nouns: frozenset[str] = frozenset()


def _load_tables() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, other_words) from textblob-fr's lexicon, folded; built once."""
    global _tables
    if _tables is not None:
        return _tables
    with _lock:
        if _tables is None:
            nouns: set[str] = set(EXTRA_NOUNS)
            other: set[str] = set()
            verbs: set[str] = set()
            all_nouns: set[str] = set(EXTRA_NOUNS)
            raw_nouns: set[str] = set()
            raw_others: set[str] = set()
            path = Path(textblob_fr_data_path("fr-lexicon.txt"))
            for line in path.read_text(encoding="utf-8").splitlines():
                if not line or line.startswith(";;;"):
                    continue
                parts = line.split(" ")
                if len(parts) != 2:
                    continue
                word, tag = parts
                if tag in ("NNP", "NNPS"):
                    continue
                f = fold(word)
                if tag in ("NN", "NNS"):
                    nouns.add(f)
                    all_nouns.add(f)
                    raw_nouns.add(word.lower())
                else:
                    other.add(f)
                    if not word.isascii():
                        raw_others.add(word.lower())
                    if tag.startswith("VB"):
                        verbs.add(f)
            global _accented_non_nouns
            # Past participles only ("intrigué", "réalisée"): other accented words
            # that are adjectives too may be nouns in reviews ("le méchant").
            _accented_non_nouns = frozenset(
                w for w in raw_others - raw_nouns if w.endswith(("é", "ée", "és", "ées"))
            )
            # Strong opinion words are not aspects ("navet", "réussite", "ennui").
            opinion = {w for w, (p, _) in load_lexicon().words.items() if abs(p) >= 0.3}
            nouns -= opinion
            nouns -= STOP
            other |= opinion
            other -= EXTRA_NOUNS
            global _word_classes
            _word_classes = (frozenset(verbs), frozenset(all_nouns))
            _tables = (frozenset(nouns), frozenset(other))
    return _tables


def word_classes(language: str = "fr") -> tuple[frozenset[str], frozenset[str]]:
    """(verbs, nouns) of textblob-fr's lexicon (or TextBlob's English one), folded:
    every word tagged as a verb form (``est``, ``regardent``, ``inspirée``), every
    common noun (``film`` included). Quotes use them to tell a sentence from a
    fragment."""
    if language != "fr":
        return VOCABULARIES[language].word_classes()
    if _word_classes is None:
        _load_tables()
    assert _word_classes is not None
    return _word_classes


def singular_key(folded: str) -> str:
    """Merge number: ``chansons`` -> ``chanson``, ``originaux`` -> ``original``."""
    if folded.endswith("eaux"):  # "morceaux", "niveaux"
        return folded[:-1]
    if len(folded) > 4 and folded.endswith("aux"):
        return folded[:-3] + "al"
    if (
        len(folded) > 3
        and folded[-1] in "sx"
        and not folded.endswith(("ss", "us", "is", "ix", "ois"))
    ):
        return folded[:-1]
    return folded


TERMS_PATH = Path(__file__).resolve().parent.parent / "data" / "aspect_terms.tsv"


def _load_terms(
    language: str = "fr", singular: Callable[[str], str] = singular_key
) -> tuple[dict[str, str], dict[tuple[str, ...], tuple[str, str]]]:
    """``aspect_terms.tsv`` for one language: (folded singular word -> key,
    folded multi-word term -> (key, its first written form)). Keys are folded."""
    single: dict[str, str] = {}
    multi: dict[tuple[str, ...], tuple[str, str]] = {}
    for number, line in enumerate(TERMS_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise ValueError(f"{TERMS_PATH}:{number}: expected lang<TAB>key<TAB>term")
        lang, key, term = fields
        if lang != language:
            continue
        key = fold(key)
        words = tuple(fold(w).replace("’", "'") for w in WORD_RE.findall(term))
        if len(words) == 1:
            single[singular(words[0])] = key
        else:
            multi.setdefault(words, (key, term))
            plural = (*words[:-1], words[-1] + "s")
            if not words[-1].endswith(("s", "x")):
                multi.setdefault(plural, (key, term))
    return single, multi


def term_names(language: str) -> dict[str, str]:
    """Each aspect key of ``aspect_terms.tsv`` -> its name in ``language``: the
    key as written for French, the first term of the language otherwise
    ("batterie" -> "battery")."""
    names: dict[str, str] = {}
    for line in TERMS_PATH.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or line.startswith("#"):
            continue
        lang, key, term = fields
        if language == "fr" and lang == "fr":
            names.setdefault(fold(key), key)
        elif lang == language:
            names.setdefault(fold(key), term)
    return names


def terms_digest() -> str:
    """Hash of ``aspect_terms.tsv`` (part of the analysis cache key)."""
    return hashlib.blake2b(TERMS_PATH.read_bytes(), digest_size=8).hexdigest()


TERMS, _TERM_PHRASES = _load_terms()
for _words, (_key, _term) in _TERM_PHRASES.items():
    PHRASES.setdefault(_words, (_key, _term))
_PHRASE_FIRST.update(words[0] for words in _TERM_PHRASES)
# Words that judge what they stand next to (|polarity| in the lexicon from this):
# a common noun that is not an aspect term is an aspect only beside one.
JUDGING = 0.3
_JUDGE_WINDOW = 4  # tokens after the noun ("est vraiment très bon")


# Pronouns that follow a verb with a hyphen, in lower case: an inverted subject
# or an imperative's object ("Est-ce", "Peut-on", "Va-t-il", "Croyez-moi",
# "Allez-y"). A name's parts are capitalised ("Jong-Il").
_CLITICS = frozenset(
    "je tu il elle on nous vous ils elles ce le la les lui leur moi toi y en".split()
)


def _oe(f: str) -> str:
    """``f`` with the ligature "œ" written "oe", as ``fold`` writes the word lists
    (``fold_1to1`` keeps one character for one: "œuvre")."""
    return f.replace("œ", "oe")


def _written(words: str) -> str:
    """A multi-word mention's display form: as written, in lower case but for a
    short acronym ("BO"), single-spaced."""
    shown = " ".join(words.split())
    return shown if shown.isupper() and len(shown) <= 4 else shown.lower()


def _judged(folded: list[str], i: int, n: int) -> bool:
    """Whether an opinion word stands beside the noun at ``i``: just before it,
    or in the few words after it before any punctuation."""
    opinion = _opinion_words()
    if i > 0 and folded[i - 1] in opinion:
        return True
    for j in range(i + 1, min(n, i + 1 + _JUDGE_WINDOW)):
        f = folded[j]
        if f in opinion:
            return True
        if not f[0].isalnum():
            return False
    return False


# Verbs that judge their subject by what follows ("la bague est superbe").
_COPULAS = frozenset(
    "est sont etait etaient fut furent sera seront reste restent demeure semble semblent "
    "parait paraissent parait-il devient deviennent".split()
)


def _predicated(folded: list[str], i: int) -> bool:
    """Whether the noun at ``i`` is the subject of a judging verb: a copula
    within the next two words (no punctuation between) with an opinion word
    after it ("le son est vraiment mauvais", "la bague noire est belle")."""
    n = len(folded)
    for j in range(i + 1, min(n, i + 3)):
        f = folded[j]
        if f in _COPULAS:
            return _judged(folded, j, n)
        if not f[0].isalpha():
            return False
    return False


# Nouns that also name when something happens ("au fil des saisons", "à la
# fin", "dans le dernier épisode"): not aspects after these words.
TIME_KEYS = frozenset(["saison", "episode", "fin", "debut"])
_TIME_WORDS = frozenset(
    "dans pendant durant depuis apres avant fil cours mesure au-dela dela sur a au aux "
    "partir jusqu'a jusqu lors par vers".split()
)
# Words between a head noun and the noun of its complement ("la fin du dernier
# épisode", "le début de la saison", "la durée des épisodes").
_OF = frozenset(["de", "d'", "du", "des"])
_BETWEEN = DETERMINERS | frozenset(
    "premier premiere premiers premieres dernier derniere derniers dernieres second seconde "
    "deuxieme troisieme quatrieme cinquieme nouvelle nouveau nouvelles nouveaux meme".split()
)


def _not_judged_here(folded: list[str], i: int, key: str, last_end: int) -> bool:
    """Whether the common noun at ``i`` is not an aspect judged here: the
    complement of a mentioned head ("la fin du dernier épisode": only the end is
    judged), or a time noun used for when ("au fil des saisons")."""
    if last_end >= 0 and i > last_end:
        between = folded[last_end:i]
        if not _OF.isdisjoint(between):
            for w in between:
                if w not in _BETWEEN and not w.isdigit():
                    break
            else:
                return True
    if key in TIME_KEYS:
        j = i - 1
        while j >= 0 and (folded[j] in _BETWEEN or folded[j].isdigit()) and i - j <= 4:
            j -= 1
        if j >= 0 and folded[j] in _TIME_WORDS:
            return True
    return False


# "saison finale", "épisode final": "final" is then an adjective.
_FINAL = frozenset(["final", "finale", "finals", "finales", "finaux"])
# "comme un acteur débutant", "histoire de meubler": a simile, "in order to".
_SIMILE = frozenset(["comme", "tel", "telle"])
_INDEFINITE = frozenset(["un", "une", "des", "du", "de", "d'"])
_SUBJECT_PRONOUNS = frozenset("je j' tu il elle on nous ils elles ne n' me m' te t' se s'".split())


def _not_a_mention(folded: list[str], i: int, key: str, v: Vocabulary) -> bool:
    """Whether the term at ``i`` is used for something else than the aspect it
    names: a verb after its pronoun ("je commande") or a participle ("produit
    par"), "final" after a noun (an
    adjective), a simile ("joue comme une actrice débutante"), "histoire de" +
    a verb ("histoire de meubler")."""
    f = folded[i]
    if f.startswith("produit") and i + 1 < len(folded) and folded[i + 1] == "par":
        return True  # a participle: "produit par Danny Boyle"
    if i == 0:
        return False
    before = folded[i - 1]
    if before in _SUBJECT_PRONOUNS:  # a verb: "je commande", "il livre"
        return True
    if f in _FINAL:
        nouns = v.tables()[0]
        return before in nouns or before in v.terms or v.singular(before) in v.terms
    if before in _INDEFINITE and i > 1 and folded[i - 2] in _SIMILE:
        return True
    return (
        f == "histoire"
        and before not in v.determiners
        and i + 1 < len(folded)
        and folded[i + 1] in ("de", "d'")
    )


# Generic heads that only introduce names ("le personnage de Walter", "des
# personnages comme Negan"): the names are the aspects.
_NAMING_HEADS = frozenset(["personnage", "acteur", "duo"])


def _introduces_name(tokens: list[str], folded: list[str], i: int, key: str) -> bool:
    if key not in _NAMING_HEADS:
        return False
    j = i + 1
    if j < len(folded) and folded[j] in ("de", "d'", "comme"):
        j += 1
        return j < len(tokens) and tokens[j].lstrip()[:1].isupper()
    return False


def _lower_name(folded: list[str], i: int, n: int) -> bool:
    """Whether the unknown word at ``i`` goes on with another unknown word: a
    full name written in lower case ("la voix de sandrine navarro")."""
    if i + 1 >= n:
        return False
    nxt = folded[i + 1]
    nouns, other = _load_tables()
    return (
        nxt.isalpha() and len(nxt) > 2 and nxt not in nouns and nxt not in other and nxt not in STOP
    )


_opinion: frozenset[str] | None = None


def _opinion_words() -> frozenset[str]:
    """Folded words of the lexicon with |polarity| >= ``JUDGING``."""
    global _opinion
    if _opinion is None:
        _opinion = frozenset(
            [fold(w) for w, (p, _) in load_lexicon().words.items() if abs(p) >= JUDGING]
        )
    return _opinion


def _may_be_name(
    f: str, nouns: frozenset[str], other: frozenset[str], v: Vocabulary | None = None
) -> bool:
    """Whether a capitalised token, folded ``f``, may be a proper name: no known
    word (``_verb_pronoun`` is checked on the token as written)."""
    v = v or FRENCH
    f = _oe(f)
    if f in nouns or f in other or f in v.stop:
        return False
    singular = v.singular(f)
    return singular not in nouns and singular not in v.terms


def _verb_pronoun(token: str, v: Vocabulary | None = None) -> bool:
    """Whether ``token`` is a verb with a hyphenated pronoun ("Est-ce", "Dis-moi")."""
    return "-" in token and token.rpartition("-")[2] in (v or FRENCH).clitics


def extract(
    sentence: str, folded_sentence: str | None = None, vocabulary: Vocabulary | None = None
) -> list[tuple[str, str]]:
    """Aspect mentions of one sentence as ``(key, display)`` pairs, in order
    (``extract_spans`` without the offsets)."""
    return [
        (key, shown) for key, shown, _, _ in extract_spans(sentence, folded_sentence, vocabulary)
    ]


def extract_spans(
    sentence: str, folded_sentence: str | None = None, vocabulary: Vocabulary | None = None
) -> list[tuple[str, str, int, int]]:
    """Aspect mentions of one sentence as ``(key, display, start, end)``, in
    order: ``sentence[start:end]`` is the mention as written (the first to the
    last of its words).

    Proper names (capitalised words not opening the sentence, e.g. "Emmanuelle
    Seigner") are keyed by their last word; common nouns by their folded singular.
    ``folded_sentence`` is ``fold_1to1(sentence.lower())`` when the caller has it.
    ``vocabulary``: the language's word lists (French by default).
    """
    v = vocabulary or FRENCH
    # The tokens with their leading white space: the rules read a token's first
    # character or display form from ``t.lstrip()``.
    # (tokens._scan finds the same, faster, when compiled.)
    tokens = _scan(sentence, SCAN_SPACED_WORDS) if _SCAN_IN_C else _SPACED_WORD_RE.findall(sentence)
    folded, marks = _folded_tokens(sentence, folded_sentence, tokens, v)
    scan = _Scan(sentence, tokens, folded, v)
    # Only positions whose token has a mark (``_mark``) are visited: at any
    # other position the rules below change nothing.
    skip_to = 0
    for i in compress(count(), marks):
        if i >= skip_to:
            skip_to = scan.at(i, marks[i])
    return scan.out


class _Scan:
    """One sentence's walk for ``extract_spans``: its tokens (each with the white
    space before it), what is found so far (``out``) and the token after the
    last common-noun mention (``last_end``: a complement of that head is not
    judged on its own)."""

    __slots__ = ("folded", "last_end", "out", "sentence", "starts", "tokens", "v")

    def __init__(self, sentence: str, tokens: list[str], folded: list[str], v: Vocabulary):
        self.sentence = sentence
        self.tokens = tokens
        self.folded = folded
        self.v = v
        self.out: list[tuple[str, str, int, int]] = []
        self.starts = _Starts(tokens)
        self.last_end = -1

    def at(self, i: int, mark: tuple[int, int, str]) -> int:
        """Read the mention starting at token ``i`` (its ``_mark``), if any; the
        index of the next token to look at."""
        v = self.v
        bits, kind, key = mark
        if bits & _PHRASE:
            hit = _phrase_at(self.folded, i, v)
            if hit:
                return self._phrase(i, hit[0], hit[1])
        # A name, unless a short word opens the sentence ("Bon", "Les").
        if bits & _NAME and not (
            bits & _SHORT and (i == 0 or self.tokens[i - 1][-1] in _SENTENCE_END)
        ):
            return _name_at(self.tokens, i, v.tables()[1], self.starts, self.out, v)
        if kind and common_here(self.tokens, self.folded, i, (kind, key), self.last_end, v):
            t = self.tokens[i].lstrip()
            start, end = self.starts.span(i, i)
            self.out.append((key, t.lower() if not t.isupper() or len(t) > 3 else t, start, end))
            self.last_end = i + 1
        return i + 1

    def _phrase(self, i: int, aspect: tuple[str, str] | None, length: int) -> int:
        """A multi-word expression of ``length`` tokens at ``i``: a mention of
        ``aspect``, or (None) words that are no aspect."""
        if aspect is not None:
            first_at, end = self.starts.span(i, i + length - 1)
            self.out.append((aspect[0], _written(self.sentence[first_at:end]), first_at, end))
            self.last_end = i + length
        return i + length


def common_mention(
    tokens: list[str],
    folded: list[str],
    i: int,
    kind_key: tuple[int, str],
    last_end: int,
    v: Vocabulary,
) -> bool:
    """Whether the common noun at ``i`` (``_common_kind``: ``kind_key``) is an
    aspect mentioned here. A term (kind 1) is, unless used for a time frame, as
    the complement of a mentioned head or as a generic head introducing a name;
    another noun (kind 3), or an unknown word after a determiner (kind 2), only
    where a verb such as "être" judges it ("la bague est superbe"), or, unknown,
    when it goes on a name written in lower case."""
    return may_be_common(tokens[i].lstrip(), kind_key[0], v) and common_here(
        tokens, folded, i, kind_key, last_end, v
    )


def may_be_common(t: str, kind: int, v: Vocabulary) -> bool:
    """``common_mention``'s rules on the token alone: a word (a term may open with
    a digit: "3D"), not a participle the lexicon knows as no noun ("intrigué")."""
    if not (t[0].isalpha() or (kind == 1 and t[0].isdigit())):
        return False
    return t.isascii() or t.lower() not in v.accented_non_nouns()


def common_here(
    tokens: list[str],
    folded: list[str],
    i: int,
    kind_key: tuple[int, str],
    last_end: int,
    v: Vocabulary,
) -> bool:
    """``common_mention``'s rules on the noun's context, for a token
    ``may_be_common`` accepts (``tokens`` may hold the white space before each)."""
    kind, key = kind_key
    french = v is FRENCH
    if kind == 1:
        if french and (
            _not_judged_here(folded, i, key, last_end)
            or _introduces_name(tokens, folded, i, key)
            or _not_a_mention(folded, i, key, v)
        ):
            return False
    elif kind == 3:
        if not _predicated(folded, i) or _not_judged_here(folded, i, key, last_end):
            return False
    elif not (
        kind == 2
        and i > 0
        and folded[i - 1] in v.determiners
        and (not french or _predicated(folded, i) or _lower_name(folded, i, len(folded)))
    ):
        return False
    return True


def _folded_tokens(
    sentence: str, folded_sentence: str | None, tokens: list[str], v: Vocabulary
) -> tuple[list[str], list[tuple[int, int, str] | int]]:
    """Each token (found with its leading white space) folded, and its ``_mark``
    (both memoised per token): the folds are what ``findall`` finds in the
    folded sentence, token for token, when folding keeps the sentence's length."""
    if folded_sentence is None:
        folded_sentence = fold_1to1(sentence.lower())
    if len(folded_sentence) == len(sentence) and "Σ" not in sentence:  # Σ lowers by context
        if COMPILED:
            return _folds_and_marks(tokens, v.marks)
        entries = list(map(v.marks.__getitem__, tokens))
        return list(map(_FOLD_OF, entries)), list(map(_MARK_OF, entries))
    raw = [t.lstrip() for t in tokens]
    folded = _FAST_WORD_RE.findall(folded_sentence)
    if len(folded) != len(tokens):
        folded = [fold(t).replace("’", "'") for t in raw]
    return folded, [_mark(t, f, v) for t, f in zip(raw, folded)]


_FOLD_OF, _MARK_OF = itemgetter(0), itemgetter(1)


def _folds_and_marks(
    tokens: list[str], memo: _TokenMarks
) -> tuple[list[str], list[tuple[int, int, str] | int]]:
    """Each token's fold and ``_mark`` from ``memo`` (``_folded_tokens``' two
    ``map``s over ``memo[t]``), in one loop: faster in C, where ``memo.get`` is
    a direct call of the dict's lookup (the ``map``s are faster in plain
    Python). Not ``memo[t]``: on a subclass of dict, C code reaches the lookup
    through the type's ``__getitem__`` slot, a call of a Python method (several
    hundred instructions a token); a miss is ``memo[t]``'s ``__missing__``."""
    folded = []
    marks = []
    get = memo.get
    for t in tokens:
        entry = get(t)
        if entry is None:
            entry = memo.__missing__(t)
        folded.append(entry[0])
        marks.append(entry[1])
    return folded, marks


class _Starts:
    """Where a sentence's tokens are: each is found with the white space before
    it and they tile the sentence, so their lengths add up to where each ends."""

    __slots__ = ("ends", "tokens")

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.ends: list[int] | None = None

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Offsets of the tokens ``first`` to ``last`` in the sentence. Compiled,
        the lengths are added up in C at each call, to the later of the two
        (faster than making the list of every token's end, of Python integers,
        once; in plain Python, that list is faster)."""
        if COMPILED:
            tokens = self.tokens
            total = 0
            start = end = 0
            n = max(last, first)
            for k in range(n + 1):
                t = tokens[k]
                total += len(t)
                if k == first:
                    start = total - len(t.lstrip())
                if k == last:
                    end = total
            return start, end
        ends = self.ends
        if ends is None:
            ends = self.ends = list(accumulate(map(len, self.tokens)))
        return ends[first] - len(self.tokens[first].lstrip()), ends[last]


def _phrase_at(
    folded: list[str], i: int, v: Vocabulary
) -> tuple[tuple[str, str] | None, int] | None:
    """The multi-word expression of ``v.phrases`` starting at ``i`` (the longest,
    of three words at most): its aspect (None: not an aspect) and length."""
    phrases = v.phrases
    for length in v.phrase_lengths.get(folded[i], ()):
        key = tuple(folded[i : i + length])
        if key in phrases:
            return phrases[key], len(key)
    return None


def _name_at(
    tokens: list[str],
    i: int,
    other: frozenset[str],
    starts: _Starts,
    out: list[Any],
    v: Vocabulary | None = None,
) -> int:
    """The proper name starting at ``i`` (its run of capitalised words, leading and
    trailing common words dropped: ``v``'s lists), added to ``out``; the index
    after the run."""
    v = v or FRENCH
    stop, extra_nouns, singular = v.stop, v.extra_nouns, v.singular
    n = len(tokens)
    j = i
    parts = []
    while j < n and _capitalised(token := tokens[j].lstrip()):
        parts.append(token)
        j += 1
    # Drop leading and trailing common words ("Les", "Mais", "Saison").
    first_at = i
    while parts:
        first = fold(parts[0])
        if first in other or first in stop or first in extra_nouns or first in v.terms:
            parts.pop(0)
            first_at += 1
        else:
            break
    while len(parts) > 1 and singular(fold(parts[-1])) in extra_nouns:
        parts.pop()
    if parts and len(parts[-1]) > (2 if len(parts) == 1 else 1):
        key = fold(parts[-1])
        if key not in stop and key not in other:
            out.append((key, " ".join(parts), *starts.span(first_at, first_at + len(parts) - 1)))
    return j


def drop_compared(
    sentence: str, found: list[tuple[str, str, int, int]]
) -> list[tuple[str, str, int, int]]:
    """``extract_spans``' mentions without the names of other works and their
    people, named to compare ("comme dans Trainspotting de Danny Boyle";
    ``clauses.compared``)."""
    if not any(m[1][:1].isupper() and m[0] not in TERMS_KEYS for m in found):
        return found
    return [
        m
        for m in found
        if not (m[1][:1].isupper() and m[0] not in TERMS_KEYS and compared(sentence, m[2]))
    ]


# Bits of a token's ``_mark``.
_PHRASE = 4  # its fold may open a multi-word expression ("mise en scène")
_NAME = 1  # capitalised, no known word, no verb with its pronoun: may open a name
_SHORT = 2  # three letters or fewer: opens no name at the start of a sentence


def _capitalised(t: str) -> bool:
    """Whether ``t`` is written as a name is ("Seigner", not "SEIGNER" nor "3D")."""
    return t[0].isupper() and not t.isupper() and t[0].isalpha()


def _mark(t: str, f: str, v: Vocabulary) -> tuple[int, int, str] | int:
    """What may start at the token ``t`` (folded: ``f``) in ``v``'s language: 0
    for nothing (the position is skipped; its neighbours' rules still read it),
    else (bits, kind, key): ``_PHRASE``, ``_NAME`` and ``_SHORT``; its
    ``_common_kind`` and key, the kind 0 unless ``may_be_common``."""
    nouns, other = v.tables()
    kind, key = v.common.get(f) or _common_kind(f, nouns, other, v)
    if kind and not may_be_common(t, kind, v):
        kind = 0
    bits = _PHRASE if f in v.phrase_first else 0
    if _capitalised(t) and _may_be_name(f, nouns, other, v) and not _verb_pronoun(t, v):
        bits |= _NAME | (_SHORT if len(f) <= 3 else 0)
    return (bits, kind, key) if bits or kind else 0


class _TokenMarks(dict):
    """token as written (with the white space before it) -> (its fold, its
    ``_mark`` in one language): the fold is ``fold_1to1`` of the token in lower
    case. One probe gives both (a probe into a table this size is mostly a cache
    miss); filled on first use."""

    __slots__ = ("vocabulary",)

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, t: str) -> tuple[str, tuple[int, int, str] | int]:
        raw = t.lstrip()
        folded = fold_1to1(raw.lower())
        entry = (folded, _mark(raw, folded, self.vocabulary))
        if len(self) < 200_000:
            self[t] = entry
        return entry


@dataclass(eq=False)
class Vocabulary:
    """One language's word lists for ``extract``: the same rules run for every
    language with these tables. ``tables`` gives (nouns, other words) of the
    language's part-of-speech lexicon; ``marks`` and ``common`` are its per-word
    memo tables."""

    language: str
    stop: frozenset[str]
    not_aspects: frozenset[str]
    determiners: frozenset[str]
    extra_nouns: frozenset[str]
    key_aliases: dict[str, str]
    phrases: dict[tuple[str, ...], tuple[str, str] | None]
    clitics: frozenset[str]
    singular: Callable[[str], str]
    tables: Callable[[], tuple[frozenset[str], frozenset[str]]]
    word_classes: Callable[[], tuple[frozenset[str], frozenset[str]]]
    accented_non_nouns: Callable[[], frozenset[str]]
    # aspect_terms.tsv's single words (folded singular -> key): always aspects
    terms: dict[str, str]
    phrase_first: frozenset[str] = field(init=False)
    # first word -> the lengths (3 at most) of the phrases it opens, longest first
    phrase_lengths: dict[str, tuple[int, ...]] = field(init=False)
    marks: _TokenMarks = field(init=False)
    common: dict[str, tuple[int, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.phrase_first = frozenset(k[0] for k in self.phrases)
        lengths: dict[str, set[int]] = {}
        for k in self.phrases:
            if len(k) <= 3:
                lengths.setdefault(k[0], set()).add(len(k))
        self.phrase_lengths = {f: tuple(sorted(n, reverse=True)) for f, n in lengths.items()}
        self.marks = _TokenMarks(self)
        self.common = {}


FRENCH = Vocabulary(
    language="fr",
    stop=STOP,
    not_aspects=NOT_ASPECTS,
    determiners=DETERMINERS,
    extra_nouns=EXTRA_NOUNS,
    key_aliases=KEY_ALIASES,
    phrases=PHRASES,
    clitics=_CLITICS,
    singular=singular_key,
    tables=_load_tables,
    word_classes=word_classes,
    accented_non_nouns=lambda: _accented_non_nouns,
    terms=TERMS,
)
# The French memo tables under their former names.
_token_marks = FRENCH.marks
_common = FRENCH.common

EN_DETERMINERS = frozenset(
    "the a an this that these those my your his her its our their some any every each no "
    "another other such what which whose both either neither all".split()
)
# Never English aspects: function words, contractions' stems ("don't" is read
# "don" "'" "t"), generic nouns, review meta-words, words that open sentences.
EN_STOP = frozenset(
    (
        "a about above after again against all also am an and any are as at be because been "
        "before being below between both but by can could did do does doing down during each "
        "few for from further had has have having he her here hers herself him himself his how "
        "i if in into is it its itself just me more most my myself no nor not now of off on once "
        "only or other our ours ourselves out over own same she should so some such than that "
        "the their theirs them themselves then there these they this those through to too under "
        "until up very was we were what when where which while who whom why will with would you "
        "your yours yourself yourselves yes ok okay oh wow well still even ever really much many "
        "don doesn didn isn wasn aren weren won wouldn couldn shouldn hasn haven hadn ain ll ve re "
        "im ive dont doesnt didnt isnt wasnt cant wont "
        # generic nouns and review meta-words
        "thing things time times lot lots way ways day days year years month months week weeks "
        "hour hours minute minutes one ones everything anything something nothing everyone "
        "anyone someone people person guy guys bit kind sort type part end start review reviews "
        "star stars rating ratings opinion experience product products item items purchase "
        "order stuff fact reason problem problems issue issues question questions "
        "work works worked working use used using thanks thank please "
        "movie movies film films show shows series season seasons episode episodes "
        "highly overall definitely absolutely totally pretty quite easy "
        # the reviewer and the business reviewed: on a shop's page "the company",
        # "the brand" are the subject itself, "customer" the one writing
        "customer customers company companies business businesses brand brands "
        # verbs the tagger also lists as nouns ("I need", "needs to")
        "need needs"
    ).split()
)
EN_NOT_ASPECTS = frozenset(
    (
        "waste joke mess disappointment pleasure fun masterpiece recommendation deal "
        "worth favor favour luck shame pity hassle regret joy delight dream nightmare "
        "disaster scam rip-off ripoff bargain"
    ).split()
)
EN_EXTRA_NOUNS = frozenset(
    (
        "app apps battery batteries charger charging delivery shipping refund replacement "
        "sizing size fit sensor sensors subscription tracking accuracy plot acting actors "
        "actor cast script soundtrack cinematography dialogue dialogues staff service food "
        "waiter waitress ambiance atmosphere customer customers support team"
    ).split()
)
EN_PHRASES: dict[tuple[str, ...], tuple[str, str] | None] = {
    ("customer", "service"): ("service", "customer service"),
    ("customer", "support"): ("service", "customer support"),
    ("customer", "care"): ("service", "customer care"),
    ("heart", "rate"): ("heart rate", "heart rate"),
    ("battery", "life"): ("battery life", "battery life"),
    ("sound", "quality"): ("sound quality", "sound quality"),
    ("build", "quality"): ("build quality", "build quality"),
    ("sleep", "tracking"): ("sleep tracking", "sleep tracking"),
    ("special", "effects"): ("visuals", "special effects"),
    ("value", "for", "money"): ("value for money", "value for money"),
    ("five", "stars"): None,
    ("waste", "of", "money"): None,
    ("waste", "of", "time"): None,
}
_en_lock = threading.Lock()
_en_tables: tuple[frozenset[str], frozenset[str]] | None = None
_en_word_classes: tuple[frozenset[str], frozenset[str]] | None = None


def english_singular(folded: str) -> str:
    """Merge English number: ``batteries`` -> ``battery``, ``boxes`` -> ``box``,
    ``rings`` -> ``ring``; ``glass``, ``status``, ``analysis`` stay."""
    if len(folded) > 4 and folded.endswith("ies"):
        return folded[:-3] + "y"
    if len(folded) > 4 and folded.endswith(("ches", "shes", "sses", "xes", "zes")):
        return folded[:-2]
    if len(folded) > 3 and folded[-1] == "s" and not folded.endswith(("ss", "us", "is")):
        return folded[:-1]
    return folded


EN_TERMS, _EN_TERM_PHRASES = _load_terms("en", english_singular)
for _words, (_key, _term) in _EN_TERM_PHRASES.items():
    EN_PHRASES.setdefault(_words, (_key, _term))
# Every aspect term's key, in any language (names are never compared away as
# these are).
TERMS_KEYS = (
    frozenset(TERMS.values())
    | {key for key, _ in _TERM_PHRASES.values()}
    | frozenset(EN_TERMS.values())
    | {key for key, _ in _EN_TERM_PHRASES.values()}
)


def _load_en_tables() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, other_words) from TextBlob's English lexicon (``en-lexicon.txt``, one
    tag a word), folded, as ``_load_tables`` for French; built once."""
    global _en_tables, _en_word_classes
    if _en_tables is not None:
        return _en_tables
    with _en_lock:
        if _en_tables is None:
            nouns: set[str] = set(EN_EXTRA_NOUNS)
            other: set[str] = set()
            verbs: set[str] = set()
            path = Path(textblob_en_data_path("en-lexicon.txt"))
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split(" ")
                if len(parts) != 2 or line.startswith(";;;"):
                    continue
                word, tag = parts
                if tag in ("NNP", "NNPS") or not word[:1].islower():
                    continue
                f = fold(word)
                if tag in ("NN", "NNS"):
                    nouns.add(f)
                else:
                    other.add(f)
                    if tag.startswith(("VB", "MD")):
                        verbs.add(f)
            all_nouns = frozenset(nouns)
            opinion = {w for w, (p, _) in load_lexicon("en").words.items() if abs(p) >= 0.3}
            nouns -= opinion
            nouns -= EN_STOP
            other |= opinion
            other -= EN_EXTRA_NOUNS
            _en_word_classes = (frozenset(verbs), all_nouns)
            _en_tables = (frozenset(nouns), frozenset(other))
    return _en_tables


def _en_classes() -> tuple[frozenset[str], frozenset[str]]:
    if _en_word_classes is None:
        _load_en_tables()
    assert _en_word_classes is not None
    return _en_word_classes


ENGLISH = Vocabulary(
    language="en",
    stop=EN_STOP,
    not_aspects=EN_NOT_ASPECTS,
    determiners=EN_DETERMINERS,
    extra_nouns=EN_EXTRA_NOUNS,
    key_aliases={},
    phrases=EN_PHRASES,
    clitics=frozenset(),
    singular=english_singular,
    tables=_load_en_tables,
    word_classes=_en_classes,
    accented_non_nouns=frozenset,
    terms=EN_TERMS,
)
VOCABULARIES = {"fr": FRENCH, "en": ENGLISH}


def clear_caches() -> None:
    """Empty the per-word memo tables (they refill as texts are analysed)."""
    for v in VOCABULARIES.values():
        v.marks.clear()
        v.common.clear()


def _common_kind(
    raw: str, nouns: frozenset[str], other: frozenset[str], v: Vocabulary | None = None
) -> tuple[int, str]:
    """(0 never an aspect, 1 a noun, 2 a noun after a determiner; key) of a folded
    word, memoised in the vocabulary's ``common``."""
    v = v or FRENCH
    f = _oe(raw)
    stop, not_aspects = v.stop, v.not_aspects
    # French: the aspect terms (``aspect_terms.tsv``) are kind 1, other common
    # nouns kind 3 (aspects only where judged: ``_judged``).
    singular = v.singular(f)
    term = v.terms.get(f) or v.terms.get(singular)
    if term is not None:
        kind, key = 1, term
    elif len(f) < 3 or f in stop or f in not_aspects or "'" in f:
        kind, key = 0, ""
    else:
        key = singular
        if key in stop or key in not_aspects:
            kind = 0
        elif f in nouns or key in nouns:
            kind = 3 if v is FRENCH else 1
        elif f not in other and key not in other and f.isalpha() and len(f) > 3:
            kind = 2
        else:
            kind = 0
        key = v.key_aliases.get(key, key)
    if len(v.common) < 200_000:
        v.common[raw] = (kind, key)
    return kind, key
