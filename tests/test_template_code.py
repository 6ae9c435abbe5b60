"""The templates' own code generator (``generator.template_code``): what a template
renders is what Jinja's own code renders, whatever the values, and compiled
templates are kept apart from those another code generator made."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from generator import template_code
from generator.render import make_environment

pytestmark = pytest.mark.skipif(
    not template_code.ENABLED, reason="this MarkupSafe or Jinja has no room for it"
)


class Html:
    def __html__(self) -> str:
        return "<b>as it gives itself</b>"


class Text:
    def __str__(self) -> str:
        return "<i>& a str</i>"


VALUES = [
    "",
    "plain",
    "<script>alert('x')</script> & \"quoted\"",
    "é’«»\u2028\x00<>",
    0,
    -3.5,
    None,
    True,
    Markup("<em>safe</em>"),
    Html(),
    Text(),
    ["<a>", 1],
    {"k": "<v>"},
]

TEMPLATE = """\
{{ value }}|{{ value ~ "<&>" }}|{{ value|string }}|{{ value|safe }}|{{ value|e }}
{% macro show(v) %}[{{ v }}]{% endmacro %}{{ show(value) }}|{{ show(value)|upper }}
{% set block %}<{{ value }}>{% endset %}{{ block }}|{{ block|length }}
{% filter upper %}{{ value }}{% endfilter %}
{% for x in [value, "<"] %}{{ loop.index }}{{ x }}{% endfor %}
{% autoescape false %}{{ value }}{% endautoescape %}|{% autoescape true %}{{ value }}{% endautoescape %}
{{ "<const>" }}{{ 3 }}{% if value %}{{ value }}{% else %}none{% endif %}
"""


def environments(autoescape: bool) -> tuple[jinja2.Environment, jinja2.Environment]:
    plain = jinja2.Environment(autoescape=autoescape)
    ours = jinja2.Environment(autoescape=autoescape)
    template_code.use(ours)
    return plain, ours


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_a_template_renders_what_jinjas_own_code_renders(value: object, autoescape: bool) -> None:
    plain, ours = environments(autoescape)
    expected = plain.from_string(TEMPLATE).render(value=value)
    got = ours.from_string(TEMPLATE).render(value=value)
    assert got == expected
    # (and the generator did compile it: the escaping is its own)
    assert "_sitegen_html_text(" in ours.compile(TEMPLATE, raw=True)


def test_html_text_is_markupsafe_escaping_as_a_str() -> None:
    for value in VALUES:
        text = template_code.html_text(value)
        assert text == str(jinja2.utils.markupsafe.escape(value))
        assert type(text) is str or isinstance(value, Markup)


def test_the_site_templates_compile_with_it(tmp_path: Path) -> None:
    env = make_environment(None, "fr")
    assert env.code_generator_class is template_code.CodeGenerator
    source = env.loader.get_source(env, "_card.html")[0]  # type: ignore[union-attr]
    assert "_sitegen_html_text(" in env.compile(source, raw=True)


def test_compiled_templates_are_kept_apart_from_jinjas_own(tmp_path: Path) -> None:
    """A template compiled by Jinja's own code (another sitegen, say) is not
    loaded from the folder, nor is ours by it."""
    folder = tmp_path / "templates"
    folder.mkdir()
    loader = jinja2.DictLoader({"page.html": "{{ value }}"})
    theirs = jinja2.Environment(
        loader=loader,
        autoescape=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(folder)),
    )
    assert theirs.get_template("page.html").render(value="<") == "&lt;"

    def ours() -> jinja2.Environment:
        env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            bytecode_cache=template_code.bytecode_cache(folder),
        )
        template_code.use(env)
        return env

    assert ours().get_template("page.html").render(value="<") == "&lt;"
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2 and any(template_code.CODE in name for name in names)
    # Ours, loaded again from its file by a new environment, is still ours.
    assert ours().get_template("page.html").render(value="<") == "&lt;"
    assert len(list(folder.iterdir())) == 2


def context_globals() -> dict[str, object]:
    def plain(*args: object, **kwargs: object) -> str:
        return f"plain{args}{sorted(kwargs.items())}"

    @jinja2.pass_context
    def with_context(context: jinja2.runtime.Context, name: str) -> str:
        return f"context:{context.get(name)}"

    @jinja2.pass_environment
    def with_environment(environment: jinja2.Environment) -> str:
        return f"environment:{type(environment).__name__}"

    @jinja2.pass_eval_context
    def with_eval_context(eval_ctx: jinja2.nodes.EvalContext) -> str:
        return f"autoescape:{eval_ctx.autoescape}"

    class Callable:
        @jinja2.pass_context
        def __call__(self, context: jinja2.runtime.Context) -> str:
            return f"callable:{context.get('value')}"

        @jinja2.pass_context
        def marked(self, context: jinja2.runtime.Context) -> str:
            return f"marked method:{context.get('value')}"

        def method(self, *args: object) -> str:
            return f"method{args}"

    def stops() -> str:
        raise StopIteration

    return {
        "plain": plain,
        "with_context": with_context,
        "with_environment": with_environment,
        "with_eval_context": with_eval_context,
        "callable": Callable(),
        "stops": stops,
        "bound": "<a>".upper,
        "builtin": len,
        "marked_method": Callable().marked,
        "method": Callable().method,
        "lambda_": lambda x="d": f"lambda {x}",
    }


CALLS = """\
{% macro show(v, w="<w>") %}[{{ v }}{{ w }}{{ caller() if caller else "" }}]{% endmacro %}
{{ plain(1, "<", k=value) }} {{ lambda_() }} {{ lambda_(value) }} {{ bound() }}
{{ builtin("ab") }} {{ marked_method() }} {{ method(value) }} {{ {"k": value}.get("k") }}
{{ with_context("value") }} {{ with_environment() }} {{ with_eval_context() }} {{ callable() }}
{% for x in [1, 2] %}{% set value = x %}{{ with_context("value") }}{{ plain(loop.index) }}{% endfor %}
{{ show(value) }}{{ show(value, w=1) }}{% call show(2) %}<in {{ value }}>{% endcall %}
{{ stops() is undefined }} {% autoescape false %}{{ plain(value) }}{% endautoescape %}
"""


@pytest.mark.parametrize("value", ["<v>", 3, Markup("<m>")], ids=repr)
def test_calls_give_what_jinjas_own_context_gives(value: object) -> None:
    plain, ours = environments(True)
    for env in (plain, ours):
        env.globals.update(context_globals())
    assert ours.context_class is template_code.Context
    expected = plain.from_string(CALLS).render(value=value)
    # (the marked callees got what their marks ask for: loop variables too)
    for shown in (
        "context:1",
        "context:2",
        "environment:Environment",
        "autoescape:True",
        "marked method:",
    ):
        assert shown in expected
    assert ours.from_string(CALLS).render(value=value) == expected
