"""Sentences and tokens: the second stage, ``Document -> Document``.

Every paragraph that ``ingest`` produced is split into sentences by rules (Chinese sentence-final
punctuation; English ``. ! ?`` that do not follow an abbreviation, an initial or a dotted acronym),
each sentence gets a language by its share of CJK characters, a ``norm`` text (traditional ->
simplified, full-width ASCII folded, same length as the text so offsets carry over) and tokens:
jieba (or rjieba) on the norm text for Chinese, so the domain dictionary applies to traditional
text too; spaCy ``blank("en")`` with the lookup lemmatizer for English.

All offsets are character offsets into ``Document.text``; nothing heavy is loaded at import.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any, Iterable, Protocol

from pipeline.config import default_lexicons
from pipeline.document import Document, Paragraph, Section, Sentence, Token
from pipeline.errors import Errors, IrtagError
from pipeline.norm import CJK_RUN_RE, LANGS, ZH_MIN_CJK_SHARE, detect_lang, is_cjk, normalize

#: Chinese sentence-final punctuation; ``；`` too, since the codebook reads list items split at ``；``.
ZH_SENTENCE_END = "。！？；…"
#: Half-width marks that end a Chinese sentence when they follow a Chinese character.
ZH_HALF_WIDTH_END = "!?;"
#: English sentence-final punctuation (split only before whitespace + capital, digit or quote).
EN_SENTENCE_END = ".!?"
#: Closing quotes and brackets kept with the sentence they close.
SENTENCE_CLOSERS = "”’」』）》】〉\"')]"
#: Words ending in a period after which an English sentence does not end (lower-cased).
EN_ABBREVIATIONS = frozenset(
    """e.g. i.e. cf. vs. viz. al. no. nos. vol. vols. pp. p. ed. eds. ch. chap. sec.
    para. art. arts. fig. figs. dr. mr. mrs. ms. prof. st. jr. sr. gen. gov. approx. ca. op. cit.
    jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.""".split()
)
#: Pairs whose inside is never split (short ones only: an unclosed quote must not swallow a page).
PROTECTED_PAIRS = {"《": "》", "〈": "〉", "“": "”", "「": "」", "『": "』", "（": "）", "【": "】"}
PROTECTED_MAX_CHARS = 150
#: Longest sentence tagged whole; a longer run (5 MB of Chinese without 。) is cut at the last
#: comma, enumeration mark or space before the limit (else hard), so nothing downstream is
#: quadratic in the length of a run.
MAX_SENTENCE_CHARS = 1000
#: Where an over-long sentence is best cut, after the mark (the space is dropped by stripping).
LONG_SENTENCE_BREAKS = "，、,：:）) \t\n"
#: A paragraph of one sentence this short, without final punctuation, is a heading.
HEADING_MAX_CHARS = {"zh": 40, "en": 100}
QUESTION_HEADING_MAX_CHARS = {"zh": 20, "en": 60}
ENGINES = ("jieba", "rjieba")
#: jieba frequency for domain and extra words: above any common word they could be split into.
DOMAIN_WORD_FREQ = 100_000

_QUOTE_CLOSERS = "”」』"
_CONTINUATION = "，、,"
_OPENERS = "\"'“‘「『《（([【"
_FINAL_PUNCT = ZH_SENTENCE_END + ZH_HALF_WIDTH_END + EN_SENTENCE_END + "，,：:、"
_ACRONYM = re.compile(r"(?:[a-z]\.)+")  # initials (J.) and dotted acronyms (U.N., e.g.)
#: how jieba splits Latin runs: words and decimals, and runs of one repeated mark ("---")
_JIEBA_LATIN = re.compile(r"[a-zA-Z0-9]+(?:\.\d+)?%?|([^a-zA-Z0-9])\1*", re.S)
_ENUMERATOR = re.compile(r"(?:\d{1,3}|[ivx]{1,4})\.")  # "2. Push factors", "IV. Findings"


# -- sentence splitting ----------------------------------------------------------------------
def _protected(text: str) -> tuple[bytearray, set[int]]:
    """Positions inside short matched 《》/quote/bracket pairs, and where quote pairs close."""
    inside = bytearray(len(text))
    quote_closes: set[int] = set()
    closers = {close: open_ for open_, close in PROTECTED_PAIRS.items()}
    stacks: dict[str, list[int]] = {open_: [] for open_ in PROTECTED_PAIRS}
    for index, char in enumerate(text):
        if char in stacks:
            stacks[char].append(index)
        elif char in closers and stacks[closers[char]]:
            start = stacks[closers[char]].pop()
            if index - start <= PROTECTED_MAX_CHARS:
                inside[start + 1:index] = b"\x01" * (index - start - 1)
                if char in _QUOTE_CLOSERS:
                    quote_closes.add(index)
    return inside, quote_closes


def _absorb(text: str, index: int) -> int:
    """Past further end marks and closing quotes/brackets from ``index``."""
    while index < len(text) and (text[index] in SENTENCE_CLOSERS or text[index] in ZH_SENTENCE_END
                                 or text[index] in EN_SENTENCE_END):
        index += 1
    return index


def _en_ends_at(text: str, index: int, sentence_start: int) -> int | None:
    """End of an English sentence whose final mark is ``text[index]``, or None."""
    end = _absorb(text, index + 1)
    following = end
    while following < len(text) and text[following].isspace():
        following += 1
    if following == end or following == len(text):
        return None
    nxt = text[following]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS or is_cjk(nxt)):
        return None
    if text[index] == ".":
        word_start = index
        while word_start > 0 and not text[word_start - 1].isspace():
            word_start -= 1
        word = text[word_start:index + 1].lstrip(_OPENERS).lower()
        if word in EN_ABBREVIATIONS or _ACRONYM.fullmatch(word):
            return None
        if not text[sentence_start:word_start].strip() and _ENUMERATOR.fullmatch(word):
            return None
    return end


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` in ``text``, stripped of surrounding whitespace.

    Both languages split after Chinese ``。！？；…`` and after English ``. ! ?`` followed by
    whitespace and a capital, digit, quote or Chinese character (not after an abbreviation,
    an initial or a dotted acronym). ``lang='zh'`` also splits after half-width ``!?;`` that
    follow a Chinese character. Nothing inside short 《》, quotes or brackets is split; a quote
    that closes a sentence (``。”``) stays with it. No sentence is longer than
    ``MAX_SENTENCE_CHARS``.
    """
    if lang not in LANGS:
        raise IrtagError(Errors.E023.format(lang=lang, langs=", ".join(LANGS)))
    inside, quote_closes = _protected(text)
    ends: list[int] = []
    index = 0
    while index < len(text):
        char = text[index]
        end: int | None = None
        if inside[index]:
            pass
        elif char in ZH_SENTENCE_END and (lang == "zh" or char != "…"):
            end = _absorb(text, index + 1)
        elif index in quote_closes and text[index - 1] in ZH_SENTENCE_END:
            end = _absorb(text, index)
        elif index in quote_closes and text[index - 1] in EN_SENTENCE_END:  # ."  ?”
            if lang == "zh":
                end = _absorb(text, index)
            else:
                end = _en_ends_at(text, index - 1, ends[-1] if ends else 0)
        elif lang == "zh" and char in ZH_HALF_WIDTH_END and index and is_cjk(text[index - 1]):
            end = _absorb(text, index + 1)
        elif char in EN_SENTENCE_END or char == "…":
            end = _en_ends_at(text, index, ends[-1] if ends else 0)
        if end is not None and end > index and (end >= len(text) or text[end] not in _CONTINUATION):
            ends.append(end)
            index = end
        else:
            index += 1
    spans = []
    start = 0
    for end in [*ends, len(text)]:
        spans.extend(_pieces(text, start, end))
        start = end
    return spans


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` stripped, as one span or, past ``MAX_SENTENCE_CHARS``, as pieces cut
    after the last ``LONG_SENTENCE_BREAKS`` mark in the second half of each window (else hard)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    pieces = []
    while start < end:
        if text[start].isspace():
            start += 1
            continue
        cut = end
        if end - start > MAX_SENTENCE_CHARS:
            window = (start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
            cut = max(text.rfind(mark, *window) for mark in LONG_SENTENCE_BREAKS) + 1 or window[1]
        stop = cut
        while text[stop - 1].isspace():
            stop -= 1
        pieces.append((start, stop))
        start = cut
    return pieces


# -- word segmentation engines ---------------------------------------------------------------
class _Engine(Protocol):
    def add_word(self, word: str, freq: int) -> None: ...

    def tokenize(self, text: str) -> list[tuple[str, int, int]]: ...


class _JiebaEngine:
    def __init__(self) -> None:
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Building prefix dict" chatter
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()

    def add_word(self, word: str, freq: int) -> None:
        self._tokenizer.add_word(word, freq)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        return list(self._tokenizer.tokenize(text, HMM=True))


class _RJiebaEngine:
    def __init__(self) -> None:
        try:
            import rjieba
        except ImportError as exc:
            raise IrtagError(Errors.E022) from exc
        self._jieba = rjieba.Jieba()

    def add_word(self, word: str, freq: int) -> None:
        self._jieba.add_word(word, freq, None)

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """As jieba does: jieba-rs keeps ``NGOs-push`` or ``2.jpeg`` whole, jieba splits them."""
        tokens = []
        for word, start, end in self._jieba.tokenize(text, "default", True):
            if len(word) > 1 and word.isascii() and not word.isalnum():
                position = start
                for match in _JIEBA_LATIN.finditer(word):
                    piece = match.group()
                    tokens.append((piece, position, position + len(piece)))
                    position += len(piece)
            else:
                tokens.append((word, start, end))
        return tokens


def read_domain_terms(path: str | Path) -> list[tuple[str, int]]:
    """``(word, freq)`` rows of a jieba user dictionary (``word [freq] [pos]`` per line)."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) > 3 or (len(fields) > 1 and not fields[1].isdigit()):
            problem = f"expected 'word [freq] [pos]', got {line!r}"
            raise IrtagError(Errors.E025.format(path=path, line=number, problem=problem))
        rows.append((fields[0], int(fields[1]) if len(fields) > 1 else DOMAIN_WORD_FREQ))
    return rows


# -- the stage -------------------------------------------------------------------------------
class Segmenter:
    """Fill ``paragraph.sentences`` with sentences and their tokens.

    Parameters
    ----------
    extra_words
        Chinese words to keep whole besides ``lexicons/domain_terms.txt`` (e.g. lexicon terms,
        so that they are tokenised like the text they are matched against).
    engine
        Chinese word segmenter: ``"rjieba"`` (jieba-rs: the same tokens, several times faster) or ``"jieba"``.
    domain_terms
        The jieba user dictionary of domain words [default: ``domain_terms.txt`` of the
        project's lexicons].

    Examples
    --------
    >>> seg = Segmenter()
    >>> [t.text for t in seg.tokenize("联合国与非盟开展维和行动。", "zh")]
    ['联合国', '与', '非盟', '开展', '维和行动', '。']
    """

    def __init__(self, extra_words: Iterable[str] = (), engine: str = "rjieba", domain_terms: str | Path | None = None):
        self.extra_words = extra_words
        self.engine = engine
        self.domain_terms = domain_terms

    # lazily built, cached on the instance
    def _zh(self) -> _Engine:
        engine = self.__dict__.get("engine_")
        if engine is None:
            if self.engine not in ENGINES:
                raise IrtagError(Errors.E021.format(engine=self.engine, engines=", ".join(ENGINES)))
            engine = _JiebaEngine() if self.engine == "jieba" else _RJiebaEngine()
            for word, freq in read_domain_terms(self.domain_terms or default_lexicons() / "domain_terms.txt"):
                engine.add_word(word, freq)
            for word in sorted({normalize(w.strip()) for w in self.extra_words}):
                if word and not word.isascii() and not any(c.isspace() for c in word):
                    engine.add_word(word, DOMAIN_WORD_FREQ)
            self.engine_ = engine
        return engine

    def _en(self) -> Any:
        nlp = self.__dict__.get("nlp_")
        if nlp is None:
            import spacy

            nlp = spacy.blank("en")
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()  # loads the lookup table from spacy-lookups-data, no download
            self.lemma_table_ = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
            self.nlp_ = nlp
        return nlp

    @property
    def config(self) -> dict[str, Any]:
        """The rules in force, for a run's config record."""
        return {"engine": self.engine, "zh_sentence_end": ZH_SENTENCE_END,
                "zh_half_width_end": ZH_HALF_WIDTH_END, "en_sentence_end": EN_SENTENCE_END,
                "en_abbreviations": sorted(EN_ABBREVIATIONS), "zh_min_cjk_share": ZH_MIN_CJK_SHARE}

    def tokenize(self, text: str, lang: str) -> list[Token]:
        """Tokens of a bare string (offsets into ``text``), exactly as document text is tokenised.

        Chinese text goes to jieba whole (Latin words in it get English lemmas); English text
        goes to spaCy, except runs of Chinese characters inside it, which go to jieba.
        """
        if lang not in LANGS:
            raise IrtagError(Errors.E023.format(lang=lang, langs=", ".join(LANGS)))
        return self._tokens(text, normalize(text), 0, len(text), lang)

    def _tokens(self, text: str, norm: str, begin: int, end: int, lang: str) -> list[Token]:
        """Tokens of ``text[begin:end]`` with offsets into ``text``; ``norm`` is ``normalize(text)``."""
        if lang == "zh":
            return self._tokens_zh(text, norm, begin, end)
        tokens: list[Token] = []
        position = begin
        for run in CJK_RUN_RE.finditer(norm, begin, end):
            tokens += self._tokens_en(text, norm, position, run.start())
            tokens += self._tokens_zh(text, norm, run.start(), run.end())
            position = run.end()
        tokens += self._tokens_en(text, norm, position, end)
        return tokens

    def _tokens_zh(self, text: str, norm: str, begin: int, end: int) -> list[Token]:
        tokens = []
        for word, start, stop in self._zh().tokenize(norm[begin:end]):
            start, stop = start + begin, stop + begin
            if norm[start:stop] != word:
                raise IrtagError(Errors.E024.format(engine=self.engine, word=word, start=start, end=stop))
            if not word.isspace():
                lemma = self._en_lemma(word) if word.isascii() and word.isalpha() else word.lower()
                tokens.append(Token(text[start:stop], start, stop, lemma))
        return tokens

    def _tokens_en(self, text: str, norm: str, begin: int, end: int) -> list[Token]:
        if begin == end or norm[begin:end].isspace():
            return []
        tokens = []
        table = self._lemma_table()
        # the tokenizer alone, then what the lookup lemmatizer would set: the whole pipeline per
        # sentence costs more than the lookups themselves
        for tok in self._en().make_doc(norm[begin:end]):
            if not tok.is_space:
                start = begin + tok.idx
                word = tok.text
                stop = start + len(word)
                lemma = tok.lemma_ if tok.lemma != 0 else table.get(word, word)
                lemma = lemma if lemma != word else self._en_lemma(word)
                tokens.append(Token(text[start:stop], start, stop, lemma.lower()))
        return tokens

    def _lemma_table(self) -> Any:
        self._en()
        return self.lemma_table_

    def _en_lemma(self, word: str) -> str:
        """Lookup lemma, trying the lower-cased word too (the table is case-sensitive)."""
        table = self._lemma_table()
        return table.get(word, table.get(word.lower(), word)).lower()

    def __call__(self, doc: Document) -> Document:
        count = 0
        norm = normalize(doc.text)
        notes = sorted((n for n in doc.notes if n.offset is not None), key=lambda n: n.offset)
        next_note = 0
        for section in doc.sections:
            default = section.lang if section.lang in LANGS else doc.lang if doc.lang in LANGS else "en"
            for paragraph in section.paragraphs:
                paragraph.sentences = []
                text = doc.text[paragraph.start:paragraph.end]
                spans = split_sentences(text, detect_lang(text, default))
                for start, end in spans:
                    count += 1
                    paragraph.sentences.append(
                        self._sentence(doc, norm, section, paragraph, count, paragraph.start + start,
                                       paragraph.start + end, single=len(spans) == 1, default=default)
                    )
                for sentence in paragraph.sentences:  # a marker goes to the sentence it follows
                    while next_note < len(notes) and notes[next_note].offset <= sentence.end:
                        if notes[next_note].offset >= paragraph.start:
                            sentence.notes.append(notes[next_note].marker)
                        next_note += 1
        return doc

    def _sentence(self, doc: Document, norm: str, section: Section, paragraph: Paragraph, number: int,
                  start: int, end: int, *, single: bool, default: str) -> Sentence:
        text = doc.text[start:end]
        lang = detect_lang(text, default)
        return Sentence(
            id=f"{doc.id}-s{number:04d}", start=start, end=end, text=text, lang=lang,
            norm=norm[start:end], section_kind=section.kind,
            is_heading=paragraph.is_heading or section.kind == "title"
            or (single and looks_like_heading(text, lang)),
            page=doc.page_of(start) if doc.page_starts else paragraph.page,
            tokens=self._tokens(doc.text, norm, start, end, lang),
        )


def looks_like_heading(text: str, lang: str) -> bool:
    """A short line standing alone without final punctuation (``（5）政策执行``, ``2. Push
    factors``), or a short question standing alone, as interview questions head their answers."""
    stripped = text.strip()
    last = stripped.rstrip(SENTENCE_CLOSERS)[-1:]
    if not last or len(stripped) > HEADING_MAX_CHARS[lang]:
        return False
    if last in "?？":
        return len(stripped) <= QUESTION_HEADING_MAX_CHARS[lang]
    return last not in _FINAL_PUNCT