# C types for clauses.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py).
import cython

# str.find on a str-typed text is a direct C call (no argument parsing).
@cython.locals(needle=str, i=Py_ssize_t, at=list)
cpdef list _occurrences(str text, needles)
