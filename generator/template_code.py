"""How the site's templates compile and call, and where compiled templates are kept.

With autoescape on, Jinja compiles every ``{{ value }}`` to ``escape(value)``:
MarkupSafe's escape, which wraps each result in a ``Markup`` through a
constructor written in Python (about a tenth of the CPU of rendering a subject's
pages, which output hundreds of values each). The result of an output is only ever
joined into the page, never used as a value, so ``CodeGenerator`` has it
compiled to ``html_text(value)`` instead: the same characters (MarkupSafe's own
escaping, or the value's ``__html__``), as a plain string. Everything else
compiles as Jinja makes it (``Markup`` where a value is made: macros, ``set``
blocks, ``|safe``), and an ``{% autoescape %}`` block keeps Jinja's own code.

``Context``: a call from a template to a plain function (``t``, ``url``), a
method of one (``subject.review_page``), a function or method written in C
(``numbers.get``) or a macro goes straight to it, without Jinja's search for a
``pass_context`` mark such a callee cannot carry.

``bytecode_cache``: the compiled templates kept across builds, in files named
for this code generator (``CODE``), so that a template another version compiled
is never loaded by this one, nor the other way round.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import BuiltinFunctionType, BuiltinMethodType, FunctionType, MethodType
from typing import Any

import jinja2
import jinja2.compiler
import jinja2.runtime
import markupsafe
from jinja2.runtime import Macro

log = logging.getLogger(__name__)

# MarkupSafe's escaping of a string, without the ``Markup`` (``markupsafe.escape``
# is this and ``Markup(...)``); None when this MarkupSafe has none by that name.
_escape_inner = getattr(markupsafe, "_escape_inner", None)


def html_text(value: Any) -> str:
    """``str(markupsafe.escape(value))``, without making the ``Markup``: a value
    with ``__html__`` as it gives itself, anything else as a string, escaped."""
    if type(value) is str:
        return _escape_inner(value)  # type: ignore[misc]
    if hasattr(value, "__html__"):
        return value.__html__()  # type: ignore[no-any-return]
    return _escape_inner(str(value))  # type: ignore[misc]


_NAME = "_sitegen_html_text"  # its name in a compiled template


class CodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator, but for an output's escaping (``html_text``)."""

    def visit_Template(self, node: Any, frame: Any = None) -> None:
        self.writeline(f"from {__name__} import html_text as {_NAME}")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write(f"{_NAME}(")
        if finalize.src is not None:
            self.write(finalize.src)


class Context(jinja2.runtime.Context):
    """Jinja's context, but for a call to a plain function (``t``, ``url``, a
    plugin's global), a method of one, a function or method written in C or a
    macro, which goes straight to it: Jinja's own ``call`` first looks on the
    callee and on its ``__call__`` for the mark ``jinja2.pass_context`` and its
    kin leave, which a macro or a C function never has, a function can only hold
    in its ``__dict__`` and a bound method only in its function's. Anything else
    (a marked function or method, a callable object) is called as Jinja calls
    it."""

    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        kind = type(obj)
        if (
            kind is Macro
            or kind in _BUILTINS
            or (kind is FunctionType and "jinja_pass_arg" not in obj.__dict__)
            or (
                kind is MethodType
                and type(obj.__func__) is FunctionType
                and "jinja_pass_arg" not in obj.__func__.__dict__
            )
        ):
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                return obj(*args, **kwargs)
            except StopIteration:  # (as Jinja's own)
                return self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(obj, *args, **kwargs)


# Functions and methods written in C (``numbers.get``): they hold no attribute of
# their own, so never Jinja's mark.
_BUILTINS = frozenset([BuiltinFunctionType, BuiltinMethodType])


# Whether templates compile with ``CodeGenerator``: with a MarkupSafe that has the
# escaping apart and a Jinja whose code generator has the method it replaces.
ENABLED = _escape_inner is not None and callable(
    getattr(jinja2.compiler.CodeGenerator, "_output_child_pre", None)
)
# The compiled code's version, in the names of the files of ``bytecode_cache``.
CODE = "sitegen1" if ENABLED else "jinja2"


def use(env: jinja2.Environment) -> None:
    """Compile ``env``'s templates with ``CodeGenerator`` (when ``ENABLED``) and
    render them with ``Context``."""
    if ENABLED:
        env.code_generator_class = CodeGenerator
    env.context_class = Context


def bytecode_cache(folder: Path) -> jinja2.FileSystemBytecodeCache:
    """Compiled templates kept in ``folder`` across builds (keyed by their source,
    in files named for ``CODE``)."""
    return jinja2.FileSystemBytecodeCache(str(folder), pattern=f"__{CODE}_%s.cache")
