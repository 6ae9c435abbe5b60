# C types for clauses.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py).
import cython

# str.find on a str-typed text is a direct C call (no argument parsing).
@cython.locals(needle=str, i=Py_ssize_t, at=list)
cpdef list _occurrences(str text, needles)

@cython.locals(out=list, letters=tuple, n=Py_ssize_t, start=Py_ssize_t, resume=Py_ssize_t, i=Py_ssize_t, c=Py_UCS4)
cpdef list _scan_boundaries(str folded)

@cython.locals(firsts=str, table=dict, n=Py_ssize_t, stop=Py_ssize_t, word=str, rest=str)
cdef Py_ssize_t _after_run(
    str folded, Py_ssize_t start, Py_ssize_t end, Py_ssize_t resume, list out, tuple letters
) except -1

cdef bint _is_word(Py_UCS4 c) noexcept

@cython.locals(at=list, firsts=dict, after_word=bint, i=Py_ssize_t, c=Py_UCS4, needle=str)
cpdef list _comparison_starts(str before, str low)

@cython.locals(n=Py_ssize_t, k=Py_ssize_t)
cpdef bint _starts_at(str text, Py_ssize_t i, str word) except -1

# judging_spans' helpers (offsets as C integers, called in C from it).

@cython.locals(a=Py_ssize_t, b=Py_ssize_t, block=Py_ssize_t)
cpdef tuple _innermost(list parts, Py_ssize_t position, Py_ssize_t length)

cpdef list _mentions_in(list found, Py_ssize_t a, Py_ssize_t b)

@cython.locals(first=Py_ssize_t, last=Py_ssize_t, x=Py_ssize_t, y=Py_ssize_t, k=Py_ssize_t)
cpdef tuple _block_span(list parts, Py_ssize_t block, Py_ssize_t length)

@cython.locals(pieces=list, start=Py_ssize_t, end=Py_ssize_t)
cpdef tuple _without(Py_ssize_t a, Py_ssize_t b, list holes)

@cython.locals(out=list, end=Py_ssize_t, i=Py_ssize_t)
cpdef list _matches_at(pattern, str text, list at)

cpdef list _comparisons(str before, str low)

# The leaning of the mentions no clause judges (C doubles, computed in the
# .py's order; math.log and math.tanh as in plain Python).
@cython.locals(z=cython.double)
cpdef double leaning(double sentence, double review) except? -2

@cython.locals(k=Py_ssize_t, mention=tuple)
cpdef lean_mentions(list mentions, list sentences, double review)

@cython.locals(p=cython.double)
cpdef double _log_odds(double polarity) except? -1
