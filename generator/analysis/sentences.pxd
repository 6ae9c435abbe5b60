# C types for sentences.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). Offsets are C
# integers; a character of a str-typed text is read in C.
import cython

@cython.locals(spans=list, start=Py_ssize_t, end=Py_ssize_t, at=Py_ssize_t, n=Py_ssize_t, i=Py_ssize_t, c=Py_UCS4)
cpdef list split_sentences(str text)

cdef bint _ends(str text, Py_ssize_t at, Py_ssize_t end) except -1

@cython.locals(end=Py_ssize_t)
cdef Py_ssize_t _boundary_end(str text, Py_ssize_t i, Py_ssize_t n, Py_UCS4 c)

cdef bint _capital(Py_UCS4 c) noexcept

@cython.locals(piece=str, kept=str, k=Py_ssize_t)
cpdef _append(str text, Py_ssize_t start, Py_ssize_t end, list spans)
