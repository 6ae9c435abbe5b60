# C types for model.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). Floats are C doubles
# (IEEE binary64, as Python's), added in the .py's order.
import cython

cdef class _Word:
    cdef readonly long code
    cdef readonly double chars
    cdef readonly str key
    cdef readonly double weight
    cdef readonly dict followers
    cdef readonly double negated
    cdef readonly int scope

@cython.locals(words=dict, records=list, visit=list, present=cython.long, c_n=cython.long,
               c_total=cython.double, total=cython.double, value=cython.double,
               i=cython.Py_ssize_t, n=cython.Py_ssize_t, n_feats=cython.Py_ssize_t,
               code=cython.long, record=_Word, after=dict, negated=cython.bint,
               merged=list, starts=list, shift=cython.int, scored=cython.long, phrase=cython.long,
               scope=cython.int)
cpdef object _raw(fast, list tokens, bint opinion_only, bint negation_marking)

@cython.locals(keys=list, merged=list, words=dict, out=list, record=_Word)
cpdef list _merged_records(fast, list records, list starts)

@cython.locals(y=cython.double, frac=cython.double, a=cython.double, t=cython.longlong,
               n=cython.longlong)
cpdef double round4(double x)
