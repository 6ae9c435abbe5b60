# C types for model.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). Floats are C doubles
# (IEEE binary64, as Python's), added in the .py's order.
import cython

@cython.locals(codes=list, present=cython.long, c_n=cython.long, shift=cython.int, code=cython.long)
cpdef tuple _codes_of(codes_table, list tokens)

@cython.locals(total=cython.double)
cpdef double _weights_sum(dict weights, list tokens)

@cython.locals(after=dict)
cpdef double _bigrams_sum(dict follows, list tokens, double total)

@cython.locals(total=cython.double)
cpdef double _chars_sum(char_sums, list tokens)
