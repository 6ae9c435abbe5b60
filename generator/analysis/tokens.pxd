# C types for tokens.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py).
import cython

@cython.locals(seen=cython.ulonglong, n=Py_ssize_t, k=Py_ssize_t, c=Py_UCS4)
cpdef str _replace_all(str low, tuple pairs, str chars)

@cython.locals(prev=Py_UCS4, c=Py_UCS4, run=Py_ssize_t)
cpdef bint _tripled(str folded)

@cython.locals(out=list, n=Py_ssize_t, i=Py_ssize_t, end=Py_ssize_t, last=Py_ssize_t, c=Py_UCS4)
cpdef list _scan(str text, int mode)

cdef Py_ssize_t _elision_end(str text, Py_ssize_t i, Py_ssize_t n, Py_UCS4 c)

@cython.locals(end=Py_ssize_t)
cdef Py_ssize_t _word_end(str text, Py_ssize_t i, Py_ssize_t n)

@cython.locals(end=Py_ssize_t)
cdef Py_ssize_t _mark_end(str text, Py_ssize_t i, Py_ssize_t n, Py_UCS4 c, int mode)

cdef bint _is_word(Py_UCS4 c)

@cython.locals(k=Py_ssize_t)
cdef Py_ssize_t _elision(str text, Py_ssize_t i, Py_ssize_t n, str tail)
