# C types for tokens.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). tokens.py's first
# line turns Cython's bounds and negative-index checks off: every index there is
# checked against its text's length (or its table's) before it is read.
import cython

@cython.locals(seen=cython.ulonglong, n=Py_ssize_t, k=Py_ssize_t, c=Py_UCS4)
cpdef str _replace_all(str low, tuple pairs, str chars)

@cython.locals(prev=Py_UCS4, c=Py_UCS4, run=Py_ssize_t)
cpdef bint _tripled(str folded)

@cython.locals(out=list, n=Py_ssize_t, i=Py_ssize_t, end=Py_ssize_t, last=Py_ssize_t, c=Py_UCS4, spaced=bint, words=bint)
cpdef list _scan(str text, int mode)

@cython.locals(out=list, runs=dict, run=str, tokens=tuple)
cpdef list _by_runs(str folded)

cpdef list _cut(str folded, bint repeats)

cdef Py_ssize_t _elision_end(str text, Py_ssize_t i, Py_ssize_t n, Py_UCS4 c)

@cython.locals(end=Py_ssize_t)
cdef Py_ssize_t _word_end(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(end=Py_ssize_t)
cdef Py_ssize_t _mark_end(str text, Py_ssize_t i, Py_ssize_t n, Py_UCS4 c, bint words)

# (Cython warns that a declaration should not be inline, and inlines it: 0.7 %
# fewer instructions per review.)
cdef inline bint _is_word(Py_UCS4 c) noexcept

@cython.locals(k=Py_ssize_t, j=Py_ssize_t)
cdef Py_ssize_t _elision(str text, Py_ssize_t i, Py_ssize_t n, str tail)

@cython.locals(end=Py_ssize_t, start=Py_ssize_t, c=Py_UCS4)
cpdef str word_before(str text, Py_ssize_t lo, Py_ssize_t at, bint dots)
