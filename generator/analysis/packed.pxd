# C types for packed.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py): the hash table's
# slots filled with C integers.
import cython

@cython.locals(mask=cython.ulong, i=cython.ulong, h=cython.ulong, e=cython.Py_ssize_t,
               slots=list)
cpdef object _slots(list hashes, int bits)
