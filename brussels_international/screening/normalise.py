"""Name normalisation for screening: one function turns any name into comparable tokens.

Steps (:func:`name_tokens`):

1. Unicode NFKC and case folding; Latin accents dropped (``Erdoğan`` → ``erdogan``).
2. Transliteration of other scripts to Latin with ``Unidecode`` (Cyrillic, Greek, Arabic,
   Hebrew, Armenian, Georgian, Devanagari, Thai, CJK, Hangul and more). Names written in an
   abjad (Arabic, Hebrew, Persian, Urdu: no short vowels) are flagged so that the scorer
   compares their consonant skeletons with Latin names.
3. Apostrophes inside words removed (``Int’l`` → ``intl``, ``Ky'ong`` → ``kyong``); other
   punctuation, hyphens and brackets become spaces.
4. Honorifics and titles dropped (``Mr``, ``Dr``, ``H.E.``, ``General``...), and ``the``.
5. Organisations: legal forms (``LLC``, ``OOO``, ``SARL``, ``BV``, ``Joint Stock Company``,
   ``Общество с ограниченной ответственностью``...) are recognised, removed from the name's
   core and kept aside as the canonical form (``llc``, ``jsc``...); common abbreviations are
   expanded (``intl`` → ``international``, ``corp`` → ``corporation``).

Sources for the legal forms: the ISO 20275 Entity Legal Forms code list (GLEIF) for the
abbreviations of the countries most present on the sanctions lists (RU, UA, BY, IR, CN, KP,
SY, AE, TR, DE, FR, BE, NL, GB, US); the tables are data in this module, not code paths.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rapidfuzz.distance import OSA
from unidecode import unidecode

#: Longest name we normalise, in characters; longer input is cut (lists have no name longer
#: than ~400 characters; a 5,000-character query is a mistake or an attack, not a name).
MAX_NAME_LENGTH = 500

#: Unicode script blocks written without short vowels (abjads). Names in them are compared
#: on consonant skeletons with Latin names.
_ABJAD_RANGES = (
    (0x0590, 0x05FF),
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)

#: Legal forms: spelled-out or abbreviated form (already normalised to lower-case Latin words)
#: → canonical abbreviation. Multi-word forms are matched as whole word sequences.
LEGAL_FORMS: dict[str, str] = {
    # English-speaking
    "limited liability company": "llc",
    "llc": "llc",
    "l l c": "llc",
    "limited liability partnership": "llp",
    "llp": "llp",
    "limited partnership": "lp",
    "lp": "lp",
    "limited": "ltd",
    "ltd": "ltd",
    "public limited company": "plc",
    "plc": "plc",
    "p l c": "plc",
    "incorporated": "inc",
    "inc": "inc",
    "corporation": "corp",
    "corp": "corp",
    "company": "co",
    "co": "co",
    "pty": "pty",
    "pte": "pte",
    "fze": "fze",
    "fzco": "fzco",
    "fzc": "fzc",
    "fz llc": "llc",
    "dmcc": "dmcc",
    "holding": "holding",
    # Russian, Ukrainian, Belarusian (transliterated)
    "obshchestvo s ogranichennoi otvetstvennostiu": "llc",
    "obshchestvo s ogranichennoi otvetstvennost'iu": "llc",
    "tovarystvo z obmezhenoiu vidpovidalnistiu": "llc",
    "ooo": "llc",
    "tov": "llc",
    "too": "llc",
    "aktsionernoe obshchestvo": "jsc",
    "otkrytoe aktsionernoe obshchestvo": "jsc",
    "zakrytoe aktsionernoe obshchestvo": "jsc",
    "publichnoe aktsionernoe obshchestvo": "jsc",
    "pubichnoe aktsionernoe obshchestvo": "jsc",
    "joint stock company": "jsc",
    "joint-stock company": "jsc",
    "open joint stock company": "jsc",
    "closed joint stock company": "jsc",
    "public joint stock company": "jsc",
    "jsc": "jsc",
    "ojsc": "jsc",
    "cjsc": "jsc",
    "pjsc": "jsc",
    "ao": "jsc",
    "oao": "jsc",
    "zao": "jsc",
    "pao": "jsc",
    "at": "jsc",
    "pat": "jsc",
    "prat": "jsc",
    "fgup": "fgup",
    "gup": "gup",
    "mup": "mup",
    "federalnoe gosudarstvennoe unitarnoe predpriiatie": "fgup",
    "ip": "ip",
    "nao": "jsc",
    # French, Belgian, Luxembourgish, Swiss
    "societe anonyme": "sa",
    "sa": "sa",
    "s a": "sa",
    "societe a responsabilite limitee": "sarl",
    "sarl": "sarl",
    "srl": "srl",
    "sprl": "sprl",
    "sas": "sas",
    "sasu": "sas",
    "sca": "sca",
    "scs": "scs",
    "snc": "snc",
    "scrl": "scrl",
    "sc": "sc",
    "eurl": "eurl",
    "asbl": "asbl",
    "vzw": "vzw",
    # Dutch, German, Austrian, Nordic
    "besloten vennootschap": "bv",
    "bv": "bv",
    "b v": "bv",
    "naamloze vennootschap": "nv",
    "nv": "nv",
    "n v": "nv",
    "gesellschaft mit beschrankter haftung": "gmbh",
    "gmbh": "gmbh",
    "aktiengesellschaft": "ag",
    "ag": "ag",
    "kg": "kg",
    "ohg": "ohg",
    "ug": "ug",
    "ab": "ab",
    "as": "as",
    "asa": "asa",
    "oy": "oy",
    "oyj": "oyj",
    "aps": "aps",
    "ou": "ou",  # Estonian osaühing (OÜ)
    "osauhing": "ou",
    # Southern and Eastern Europe, Türkiye
    "spa": "spa",
    "s p a": "spa",
    "sl": "sl",
    "s l": "sl",
    "lda": "lda",
    "sp z o o": "spzoo",
    "sp zoo": "spzoo",
    "spzoo": "spzoo",
    "s r o": "sro",
    "sro": "sro",
    "doo": "doo",
    "d o o": "doo",
    "kft": "kft",
    "zrt": "zrt",
    "ad": "ad",
    "eood": "eood",
    "ood": "ood",
    "a s": "as",
    "anonim sirketi": "as",
    "limited sirketi": "ltd",
    # Middle East, Asia
    "sal": "sal",
    "s a l": "sal",
    "wll": "wll",
    "w l l": "wll",
    "psc": "psc",
    "pjs": "pjs",
    "fze llc": "llc",
    "sdn bhd": "sdnbhd",
    "bhd": "bhd",
    "tbk": "tbk",
    "pt": "pt",
    "kk": "kk",
    "kabushiki kaisha": "kk",
    "co ltd": "coltd",
    "company limited": "coltd",
    "youxian gongsi": "ltd",
    "you xian gong si": "ltd",
    "jusik hoesa": "jsc",
    "ano": "ano",
    "avtonomnaia nekommercheskaia organizatsiia": "ano",
    "nko": "nko",
    "societatea cu raspundere limitata": "srl",
    "societate pe actiuni": "sa",
    "gmbh co kg": "gmbhcokg",
    "sa de cv": "sadecv",
    "s a de c v": "sadecv",
    "de c v": "sadecv",
}

#: Abbreviations expanded before comparison (both sides): word → full word(s).
ABBREVIATIONS: dict[str, str] = {
    "intl": "international",
    "int": "international",
    "natl": "national",
    "nat": "national",
    "mfg": "manufacturing",
    "bros": "brothers",
    "dept": "department",
    "dev": "development",
    "eng": "engineering",
    "engg": "engineering",
    "ind": "industries",
    "inds": "industries",
    "tech": "technology",
    "techs": "technologies",
    "svcs": "services",
    "svc": "services",
    "mgmt": "management",
    "assn": "association",
    "assoc": "association",
    "univ": "university",
    "gen": "general",
    "st": "saint",
    "ste": "sainte",
    "mt": "mount",
    "hldgs": "holdings",
    "grp": "group",
    "sci": "scientific",
    "res": "research",
    "inst": "institute",
    "labour": "labor",
    "centre": "center",
    "organisation": "organization",
    "defence": "defense",
}

#: Honorifics and titles dropped from person names (normalised forms).
HONORIFICS = frozenset(
    """mr mrs ms miss mx dr prof sir dame lord lady madam madame mme mlle m monsieur herr frau
    he his excellency hon honourable honorable rev reverend fr father sheikh shaykh sayyid
    hajji haji hadji mullah mawlawi maulavi maulvi qari mufti imam general gen colonel col major maj
    captain capt lieutenant lt admiral adm sergeant sgt brigadier commander cmdr president minister
    senator ambassador judge justice prince princess king queen emir""".split()  # noqa: SIM905
)

#: Words that carry no identity in a name.
STOPWORDS = frozenset({"the", "of", "and", "und", "et", "for"})

#: Honorifics that are also common name parts: dropped only when the name keeps two other
#: parts (``Sheikh Isa Bin Tarif`` keeps "isa bin tarif"; ``Gen Li`` keeps "gen li").
_SOFT_HONORIFICS = frozenset(
    {"sheikh", "shaykh", "sayyid", "general", "gen", "king", "prince", "emir", "imam", "m", "he"}
)

#: Name particles: kept for alignment but weigh little (they carry no identity on their own).
PARTICLES = frozenset(
    {
        "al",
        "el",
        "bin",
        "ibn",
        "bint",
        "ben",
        "abu",
        "umm",
        "ould",
        "van",
        "von",
        "der",
        "den",
        "de",
        "da",
        "di",
        "del",
        "la",
        "le",
        "dos",
        "das",
        "mac",
        "st",
        "ter",
        "zu",
        "a",
    }
)

#: Patronymic markers (``X bin Y``: X is the son of Y): parts on either side may not swap.
PATRONYMIC_MARKERS = frozenset({"bin", "ibn", "bint", "ben", "ould"})

#: Spellings of one particle or name part that mean the same (``ibn`` and ``bin``: "son of";
#: ``Abdel``, ``Abdoul`` and ``Abd al-`` for ``Abdul``, "servant of").
CANONICAL_PARTS = {"ibn": "bin", "bn": "bin", "abdel": "abdul", "abdoul": "abdul", "abdal": "abdul", "abdol": "abdul"}

#: Endings of East Slavic and Turkic patronymics (``Viktorovich``, ``Oleksandrovych``,
#: ``Ivanovna``, ``Aliyevich``, ``oglu``/``ogly``, ``kyzy``).
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovych|evych|ovna|evna|ichna|ogly|oglu|kyzy|qizi)$")


def is_patronymic(word: str) -> bool:
    """True for a patronymic such as ``viktorovich`` or ``ivanovna`` (normalised form)."""
    return len(word) > 6 and bool(_PATRONYMIC.search(word))


#: Number words and ordinals (English, French, Dutch) → digits.
NUMBER_WORDS: dict[str, str] = {
    word: str(value)
    for value, words in enumerate(
        [
            "zero",
            "one un une een first 1st premier eerste",
            "two deux twee second 2nd",
            "three trois drie third 3rd",
            "four quatre vier fourth 4th",
            "five cinq vijf fifth 5th",
            "six zes sixth 6th",
            "seven sept zeven seventh 7th",
            "eight huit acht eighth 8th",
            "nine neuf negen ninth 9th",
            "ten dix tien tenth 10th",
        ]
    )
    for word in words.split()
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}

_APOSTROPHES = re.compile(r"(?<=\w)['’‘`´ʼʻʹ](?=\w)")
_NON_WORD = re.compile(r"[^\w]+")
_ROMAN = re.compile(r"^(?:i{1,3}|iv|v|vi{1,3}|ix|x)$")
_MAX_FORM_WORDS = max(len(form.split()) for form in LEGAL_FORMS)


_ABJAD_LETTER = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _ABJAD_RANGES) + "]")


def is_abjad(text: str) -> bool:
    """True when most letters of *text* are Arabic or Hebrew script (no short vowels)."""
    abjad = len(_ABJAD_LETTER.findall(text))
    if not abjad:
        return False
    letters = sum(1 for ch in text if ch.isalpha())
    return abjad * 2 > letters


def unsupported_script(text: str) -> bool:
    """True when *text* has letters but transliteration leaves none of them (a script that
    Unidecode does not know, such as some historic scripts or private-use characters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    return not any(ch.isalpha() for ch in unidecode("".join(letters)))


def to_latin(text: str) -> str:
    """*text* in lower-case ASCII Latin letters, digits and single spaces.

    Args:
        text: any name, any script, at most :data:`MAX_NAME_LENGTH` characters are read.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_NAME_LENGTH])
    text = _APOSTROPHES.sub("", text)
    text = unidecode(text)
    text = _APOSTROPHES.sub("", text)
    text = text.casefold()
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


@dataclass
class Tokens:
    """A normalised name: ``parts`` (identity-bearing words, in order), ``forms`` (canonical
    legal forms found, organisations only), ``abjad`` (written in Arabic or Hebrew script),
    ``numbers`` (digit and Roman-numeral parts, which must agree exactly)."""

    parts: list[str]
    forms: list[str] = field(default_factory=list)
    abjad: bool = False
    numbers: list[str] = field(default_factory=list)

    @cached_property
    def joined(self) -> str:
        """The parts run together (``jandanielbothma``)."""
        return "".join(self.parts)

    @cached_property
    def spaced(self) -> str:
        """The parts separated by spaces (``jan daniel bothma``)."""
        return " ".join(self.parts)

    @cached_property
    def joined_with_forms(self) -> str:
        """The parts and the legal forms run together (``siemensag``)."""
        return self.joined + "".join(self.forms)

    @cached_property
    def initials_only(self) -> bool:
        """Every part is a single letter (``N. N.``)."""
        return all(len(part) == 1 for part in self.parts)


#: Words of the spelled-out legal forms, for mending typos and cut-off words in them
#: (``Aktiengeselschaft``, ``Joint Stock Compan``).
_FORM_WORDS = sorted({word for form in LEGAL_FORMS for word in form.split() if len(word) >= 6})


@lru_cache(maxsize=65536)
def _mend_form_word(word: str) -> str:
    """*word* as the legal-form word it misspells (one edit, or cut after five letters), else as is."""
    if len(word) < 6 or word in _FORM_WORDS:
        return word
    for form_word in _FORM_WORDS:
        if form_word.startswith(word) or (
            abs(len(form_word) - len(word)) <= 1 and OSA.distance(word, form_word, score_cutoff=1) <= 1
        ):
            return form_word
    return word


def _strip_legal_forms(words: list[str]) -> tuple[list[str], list[str]]:
    """Remove legal-form word sequences (longest first) anywhere in *words*; a misspelt or
    cut-off form word is read as the form word (:func:`_mend_form_word`)."""
    words = [_mend_form_word(word) for word in words]
    kept: list[str] = []
    forms: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_FORM_WORDS, len(words) - i), 0, -1):
            form = LEGAL_FORMS.get(" ".join(words[i : i + size]))
            # A one-letter or two-letter form is a form only at the start or the end of the name.
            if form is not None and (size > 1 or len(words[i]) > 2 or i == 0 or i + size == len(words)):
                forms.append(form)
                i += size
                break
        else:
            kept.append(words[i])
            i += 1
    return kept, forms


def _numbers_to_digits(words: list[str]) -> list[str]:
    """``forty four`` → ``44``, ``three`` → ``3``, ``1st`` → ``1``; other words unchanged."""
    out: list[str] = []
    for word in words:
        if word in _TENS:
            out.append(str(_TENS[word]))
            continue
        digit = NUMBER_WORDS.get(word)
        if digit is not None and out and out[-1].isdigit() and out[-1].endswith("0") and len(out[-1]) == 2:
            out[-1] = out[-1][0] + digit
        elif digit is not None:
            out.append(digit)
        elif (
            out
            and out[-1].isdigit()
            and len(out[-1]) == 2
            and out[-1].endswith("0")
            and word.isdigit()
            and len(word) == 1
        ):
            out[-1] = out[-1][0] + word
        else:
            out.append(word)
    return out


def _canonical_parts(words: list[str]) -> list[str]:
    """Apply :data:`CANONICAL_PARTS`, and read ``abd al``/``abd el``/``abd ul`` as ``abdul``."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = CANONICAL_PARTS.get(words[i], words[i])
        if word == "abd" and i + 1 < len(words) and words[i + 1] in ("al", "el", "ul", "ar", "ur", "as", "an"):
            out.append("abdul")
            i += 2
            continue
        out.append("abdul" if word == "abd" else word)
        i += 1
    return out


def _join_initials(words: list[str]) -> list[str]:
    """Runs of single letters become one word (``l x c aviation`` → ``lxc aviation``); a legal
    form spelled in initials at the end of a run stays apart (``l x c s a r l`` → ``lxc sarl``)."""
    out: list[str] = []
    run = ""

    def flush() -> None:
        for size in range(min(len(run) - 1, 4), 1, -1):
            if run[-size:] in LEGAL_FORMS:
                out.extend([run[:-size], run[-size:]])
                return
        out.append(run)

    for word in words:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            flush()
            run = ""
        out.append(word)
    if run:
        flush()
    return out


def name_tokens(name: str, *, organisation: bool | None = None) -> Tokens:
    """Normalise *name* into :class:`Tokens`.

    Args:
        name: the name as written, any script.
        organisation: ``True`` for a company/organisation/vessel (legal forms and
            abbreviations apply), ``False`` for a person (honorifics apply), ``None`` when
            unknown (both apply).

    Returns:
        The tokens; ``parts`` is empty when nothing identity-bearing is left (an empty name,
        only punctuation, only a legal form, or a script not transliterated).
    """
    abjad = is_abjad(name)
    words = to_latin(name).split()
    forms: list[str] = []
    if organisation is not False:
        words, forms = _strip_legal_forms(_join_initials(words))
        words = [w2 for w in words for w2 in ABBREVIATIONS.get(w, w).split()]
        if any(w in NUMBER_WORDS or w in _TENS for w in words) and organisation:
            words = _numbers_to_digits(words)
    if organisation is not True:
        hard = [w for w in words if w not in HONORIFICS or w in _SOFT_HONORIFICS]
        if hard:
            words = hard
        soft = [w for w in words if w not in _SOFT_HONORIFICS]
        if len(soft) >= 2 and len(soft) < len(words) and words[0] in _SOFT_HONORIFICS:
            words = soft
    words = [w for w in words if w not in STOPWORDS] or words
    words = _canonical_parts(words)
    numbers = [w for w in words if w.isdigit() or (organisation and len(words) > 2 and bool(_ROMAN.match(w)))]
    return Tokens(parts=words, forms=forms, abjad=abjad, numbers=numbers)


_PHONETIC_RULES = (
    ("sch", "s"),
    ("tch", "c"),
    ("tsch", "c"),
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("th", "t"),
    ("dh", "d"),
    ("ck", "k"),
    ("ks", "x"),
    ("cz", "c"),
    ("sz", "s"),
    ("ts", "c"),
    ("tz", "c"),
    ("dj", "j"),
    ("dzh", "j"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("j", "i"),
    ("ie", "i"),
    ("ei", "i"),
    ("ey", "i"),
    ("iy", "i"),
    ("yy", "i"),
    ("q", "k"),
    ("w", "v"),
    ("y", "i"),
    ("z", "s"),
    ("c", "k"),
)


@lru_cache(maxsize=262144)
def spelling(word: str) -> str:
    """*word* with transliteration variants merged but vowels kept (``dzhamil``/``jamil`` →
    ``iamil``, ``khabbush``/``habbush`` → ``habus``): two spellings of one name agree here."""
    if word.startswith("x"):
        word = "s" + word[1:]
    for old, new in _PHONETIC_RULES:
        word = word.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", word)


@lru_cache(maxsize=262144)
def phonetic(word: str) -> str:
    """A loose sound key of a Latin word: common transliteration variants collapse
    (``Mohammed``/``Muhammad`` → ``md``, ``Sergey``/``Sergei`` → ``srg``, ``Zelenskyy``/``Zelenskii``).

    The key keeps the first letter and the consonants after spelling variants are merged;
    doubled letters count once.
    """
    if word.startswith("x"):  # pinyin: Xi, Xu, Xiao sound as "shi", "su", "siao"
        word = "s" + word[1:]
    for old, new in _PHONETIC_RULES:
        word = word.replace(old, new)
    if not word:
        return word
    head, tail = word[0], word[1:]
    tail = "".join(ch for ch in tail if ch not in "aeiouh")
    key = head + tail
    return re.sub(r"(.)\1+", r"\1", key)


@lru_cache(maxsize=262144)
def skeleton(word: str) -> str:
    """Consonants of a Latin word, for comparing with abjad-script names
    (``fernando`` → ``frnnd``; Unidecode gives ``frnndw`` for فرناندو)."""
    word = word.replace("p", "b").replace("v", "f")  # Arabic script has neither p nor v
    return re.sub(r"(.)\1+", r"\1", "".join(ch for ch in word if ch not in "aeiouyw'"))
