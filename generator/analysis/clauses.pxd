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
