# C types for language.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). The opening of the
# folded text is read character by character in C.
import cython

@cython.locals(weights=dict, other=frozenset, found=list, n=Py_ssize_t, others=Py_ssize_t, end=Py_ssize_t, i=Py_ssize_t, j=Py_ssize_t, c=Py_UCS4, word=str)
cpdef tuple _tally(str folded, object t)
