# C types for aspects.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). The per-sentence walk
# (_Scan, _Starts) is an extension type whose methods are called in C, and the
# rules it calls are cpdef functions (still importable), called in C from this
# module; token indices are C integers.
import cython

# Bits of a token's _mark (module constants in C).
cdef long _PHRASE, _NAME, _SHORT

cpdef str fold_1to1(str lowered)

cpdef str singular_key(str folded)

cpdef str _oe(str f)

cpdef str _written(str words)

@cython.locals(opinion=frozenset, j=Py_ssize_t, f=str)
cpdef bint _judged(list folded, Py_ssize_t i, Py_ssize_t n)

@cython.locals(n=Py_ssize_t, j=Py_ssize_t, f=str)
cpdef bint _predicated(list folded, Py_ssize_t i)

@cython.locals(between=list, j=Py_ssize_t)
cpdef bint _not_judged_here(list folded, Py_ssize_t i, str key, Py_ssize_t last_end)

@cython.locals(f=str, before=str)
cpdef bint _not_a_mention(list folded, Py_ssize_t i, str key, v)

@cython.locals(j=Py_ssize_t)
cpdef bint _introduces_name(list tokens, list folded, Py_ssize_t i, str key)

@cython.locals(nxt=str)
cpdef bint _lower_name(list folded, Py_ssize_t i, Py_ssize_t n)

cpdef frozenset _opinion_words()

@cython.locals(singular=str)
cpdef bint _may_be_name(str f, nouns, other, v=*)

cpdef bint _verb_pronoun(str token, v=*)

@cython.locals(tokens=list, folded=list, marks=list, scan=_Scan, skip_to=Py_ssize_t, i=Py_ssize_t)
cpdef list extract_spans(str sentence, folded_sentence=*, vocabulary=*)

cdef class _Scan:
    cdef public list folded
    cdef public Py_ssize_t last_end
    cdef public list out
    cdef public str sentence
    cdef public _Starts starts
    cdef public list tokens
    cdef public object v

    @cython.locals(bits=long, kind=long, key=str, t=str, start=Py_ssize_t, end=Py_ssize_t)
    cpdef Py_ssize_t at(self, Py_ssize_t i, tuple mark)

    @cython.locals(first_at=Py_ssize_t, end=Py_ssize_t)
    cpdef Py_ssize_t _phrase(self, Py_ssize_t i, aspect, Py_ssize_t length)

cpdef bint common_mention(list tokens, list folded, Py_ssize_t i, tuple kind_key, Py_ssize_t last_end, v)

cpdef bint may_be_common(str t, long kind, v)

@cython.locals(kind=long, key=str, french=bint)
cpdef bint common_here(list tokens, list folded, Py_ssize_t i, tuple kind_key, Py_ssize_t last_end, v)

@cython.locals(raw=list)
cpdef tuple _folded_tokens(str sentence, folded_sentence, list tokens, v)

@cython.locals(folded=list, marks=list, t=str, entry=tuple)
cpdef tuple _folds_and_marks(list tokens, memo)

cdef class _Starts:
    cdef public list ends
    cdef public list tokens

    @cython.locals(ends=list, tokens=list, total=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t,
                   n=Py_ssize_t, k=Py_ssize_t, t=str)
    cpdef tuple span(self, Py_ssize_t first, Py_ssize_t last)

@cython.locals(phrases=dict, length=Py_ssize_t, key=tuple)
cpdef _phrase_at(list folded, Py_ssize_t i, v)

@cython.locals(n=Py_ssize_t, j=Py_ssize_t, parts=list, first_at=Py_ssize_t, token=str, first=str, key=str)
cpdef Py_ssize_t _name_at(list tokens, Py_ssize_t i, other, _Starts starts, list out, v=*)

cpdef bint _capitalised(str t)

@cython.locals(kind=long, key=str, bits=long)
cpdef _mark(str t, str f, v)

@cython.locals(f=str, singular=str, term=str, kind=long, key=str)
cpdef tuple _common_kind(str raw, nouns, other, v=*)
