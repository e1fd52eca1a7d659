"""The Greek/subscript table the writer and the reader share (mixeq.glyphs): every
letter and script the writer prints, the reader reads back as the same thing."""
from __future__ import annotations

import pytest

from mixeq import glyphs
from mixeq.equations.latex import node_latex
from mixeq.equations.options import Options
from mixeq.equations.text import node_text
from mixeq.equations.tree import Sym
from mixeq.reader import tokens as T
from mixeq.reader import vocabulary


@pytest.mark.parametrize("name", sorted(glyphs.GREEK_LETTERS))
def test_greek_letter_written_is_read_back(name):
    opts = Options()
    for written in (node_latex(Sym(name, kind="greek"), opts),
                    node_text(Sym(name, kind="greek"), opts)):
        toks = T.tokenize(written)  # \varepsilon is read as the shape of ε it is
        assert [(t.kind, glyphs.LATEX_VARIANTS.get(t.value, t.value)) for t in toks] \
            == [(T.NAME, name)], written


def test_every_subscript_and_superscript_the_writer_uses_is_read():
    sub = "".join(glyphs.SUBSCRIPTS.values())
    sup = "".join(glyphs.SUPERSCRIPTS.values())
    assert all(vocabulary.SUBSCRIPT_CHARS[c] == p for p, c in glyphs.SUBSCRIPTS.items()), sub
    assert all(vocabulary.SUPERSCRIPT_CHARS[c] == p for p, c in glyphs.SUPERSCRIPTS.items()), sup
    toks = T.tokenize("x" + glyphs.SUBSCRIPTS["1"] + glyphs.SUBSCRIPTS["j"])
    assert [(t.kind, t.value) for t in toks] == [(T.NAME, "x"), (T.SUB, "1j")]


def test_one_table_not_copies():
    """The reader's tables are the shared module's objects, not copies that can drift."""
    assert vocabulary.UNICODE_GREEK is glyphs.UNICODE_GREEK
    assert vocabulary.GREEK is glyphs.LATEX_GREEK
    assert vocabulary.SUBSCRIPT_CHARS is glyphs.FROM_SUBSCRIPT
