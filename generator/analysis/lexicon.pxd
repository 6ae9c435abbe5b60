# C types for lexicon.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). Floats are C doubles
# (IEEE binary64, as Python's), added in the .py's order.
import cython

# dict-typed tables: .get is a direct C probe, not a method call.
@cython.locals(words=dict, intensifiers=dict, pos=cython.double, neg=cython.double,
               subj=cython.double, value=cython.double, weight=cython.double,
               intensity=cython.double, p=cython.double, count=cython.Py_ssize_t,
               last_negator=cython.Py_ssize_t, intensity_at=cython.Py_ssize_t,
               contrast_at=cython.Py_ssize_t, skip_to=cython.Py_ssize_t,
               i=cython.Py_ssize_t, reach=cython.Py_ssize_t)
cpdef tuple score_tokens(tokens, lexicon, visit=*)

@cython.locals(entries=tuple)
cpdef object _match_phrase(tokens, Py_ssize_t i, t, tables)

# Called in C by score_tokens (once per sentence scored), not through Python.
cpdef object score_tables(lexicon)
