# C types for sentences.py's compiled module (Cython's augmenting .pxd; the .py
# stays the one source: see generator/analysis/_core.py). Offsets are C
# integers; a character of a str-typed text is read in C.
import cython

@cython.locals(spans=list, start=Py_ssize_t, end=Py_ssize_t)
cpdef list split_sentences(str text)

@cython.locals(piece=str, kept=str)
cpdef _append(str text, Py_ssize_t start, Py_ssize_t end, list spans)
