"""Text normalisation and the two lexical tokenisations the BM25 side uses.

Chinese has no spaces, and residents write colloquially (啥, 咋, 电瓶车, 八十). So:
- normalise width and case (NFKC), turn Chinese numerals into digits (cn2an), so that
  "刚满八十" and "年满80周岁" share the token "80";
- jieba words (search mode, so compound words also yield their parts) minus stop words;
- character bigrams inside CJK runs, which survive jieba's segmentation mistakes;
- for queries only, a small colloquial -> formal synonym table appends the formal
  terms (kept as data in ``data/colloquial.tsv``, easy for a city to extend).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from functools import lru_cache
from importlib import resources

import jieba

jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORDISH = re.compile(rf"[{_CJK}]|[a-z0-9]+(?:\.[0-9]+)?")
_HAS_CONTENT = re.compile(rf"[{_CJK}a-z0-9]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    text = resources.files("assistant.kb").joinpath("data/stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def colloquial_table() -> tuple[tuple[str, str], ...]:
    """(colloquial phrase, formal terms) pairs, longest phrase first."""
    text = resources.files("assistant.kb").joinpath("data/colloquial.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "\t" not in line:
            continue
        phrase, formal = line.split("\t", 1)
        # Queries are matched after normalise() (五保 -> 5保, AED -> aed): so is the table.
        rows.append((normalise(phrase.strip()), normalise(formal.strip())))
    rows.sort(key=lambda r: -len(r[0]))
    return tuple(rows)


def normalise(text: str) -> str:
    """NFKC (full-width -> half-width), lower case, Chinese numerals -> digits."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    if re.search("[零一二两三四五六七八九十百千万]", text):
        import cn2an

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # cn2an warns on phrases like 万一 it leaves alone
            try:
                text = cn2an.transform(text, "cn2an")
            except Exception:  # noqa: BLE001 - cn2an raises on odd inputs; keep the raw text
                pass
    return text


def expand_query(text: str) -> str:
    """Append formal terms for colloquial phrases found in a (normalised) query."""
    extra = [formal for phrase, formal in colloquial_table() if phrase in text]
    return text if not extra else text + " " + " ".join(extra)


@lru_cache(maxsize=1)
def _rewrite_pattern() -> tuple[re.Pattern, dict[str, str]]:
    first_term = {phrase: formal.split()[0] for phrase, formal in colloquial_table()
                  if len(phrase) >= 2 and formal.split()}
    # Longest phrases first, one pass: a formal term put in is never rewritten again.
    alternatives = sorted(first_term, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))), first_term


def formal_rewrite(text: str) -> str:
    """The (normalised) question with each colloquial phrase replaced by its first
    formal term: 回老家看病咋报销 -> 异地就医怎么报销. The dense side encodes this
    beside the resident's own words; unlike appended terms it stays a sentence."""
    pattern, first_term = _rewrite_pattern()
    return pattern.sub(lambda m: first_term[m.group()], normalise(text))


def word_tokens(text: str) -> list[str]:
    stop = stopwords()
    return [w for w in jieba.lcut_for_search(text) if _HAS_CONTENT.search(w) and w not in stop]


def bigram_tokens(text: str) -> list[str]:
    """Character bigrams within CJK runs (unigrams for one-character runs), plus
    ASCII words and numbers as they are."""
    stop = stopwords()
    tokens: list[str] = []
    for match in re.finditer(rf"[{_CJK}]+|[a-z0-9]+(?:\.[0-9]+)?", text):
        run = match.group()
        if not _CJK_RUN.fullmatch(run):
            tokens.append(run)
        elif len(run) == 1:
            if run not in stop:
                tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1) if run[i : i + 2] not in stop)
    return tokens


def document_tokens(text: str) -> tuple[list[str], list[str]]:
    norm = normalise(text)
    return word_tokens(norm), bigram_tokens(norm)


def query_tokens(text: str) -> tuple[list[str], list[str]]:
    norm = expand_query(normalise(text))
    return word_tokens(norm), bigram_tokens(norm)


def has_content(text: str) -> bool:
    return bool(_HAS_CONTENT.search(normalise(text)))
