# C types for analyzer.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). Floats are C doubles
# (IEEE binary64, as Python's), computed in the .py's order.
import cython

# A C call from the review's and the clauses' loops (no tuple of arguments,
# no float boxed per argument).
@cython.locals(lex_a=cython.double, lex_b=cython.double, lex_c=cython.double,
               word_floor=cython.Py_ssize_t, char_floor=cython.Py_ssize_t, z=cython.double)
cpdef double _sentence_logit(double total, Py_ssize_t n, double c_total, Py_ssize_t c_n,
                             double pos, double neg, tuple weights) except? -1.0
