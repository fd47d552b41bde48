"""``{% translate "…" %}`` of a constant string looked up once per language instead of on
every render.

``install()`` (called from ``CoreConfig.ready``, before any template is compiled) registers
:func:`do_translate` as the ``translate`` and ``trans`` tags of Django's own ``i18n``
library, through that library's ``tag()``: every ``{% load i18n %}`` gets it, and every other
tag and filter of the library stays Django's. (Installing a library of our own under the name
``i18n`` would do the same, but the template engine's system check rightly warns about two
libraries of one name, and ``check --deploy`` is kept silent.)

A staff list of 25 rows rendered about 200 ``{% translate %}`` nodes a request, each a
gettext through the active catalogue chain (about a tenth of the page's CPU): a constant
message gives the same text for a language every time, so a node keeps its rendered text
per language and escaping mode. A message from a variable, with filters, ``noop``, or a
context that is not a constant is translated on each render, as Django does.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token, Variable, render_value_in_context
from django.templatetags import i18n
from django.utils import translation
from django.utils.safestring import SafeData, SafeString, mark_safe


def _constant(expression: FilterExpression | None) -> bool:
    if expression is None:
        return True
    var = expression.var
    if isinstance(var, Variable):
        return var.literal is not None and not expression.filters
    return isinstance(var, str) and not expression.filters


class ConstantTranslateNode(i18n.TranslateNode):
    """A ``{% translate %}`` of a constant message: rendered once per (language, autoescape)."""

    def __init__(self, node: i18n.TranslateNode) -> None:
        super().__init__(node.filter_expression, node.noop, node.asvar, node.message_context)
        self.rendered: dict[tuple[str | None, bool], str | SafeString] = {}

    def _render_once(self, context: Any) -> str | SafeString:
        # Django's TranslateNode.render without the assignment.
        self.filter_expression.var.translate = True
        if self.message_context:
            self.filter_expression.var.message_context = self.message_context.resolve(context)
        value = render_value_in_context(self.filter_expression.resolve(context), context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value  # noqa: S308 - Django's own rule above

    def render(self, context: Any) -> str:
        key = (translation.get_language(), bool(context.autoescape))
        value = self.rendered.get(key)
        if value is None:
            value = self.rendered[key] = self._render_once(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def do_translate(parser: Parser, token: Token) -> template.Node:
    """Django's ``{% translate %}``, its node kept per language when the message is a
    constant."""
    node = i18n.do_translate(parser, token)
    if (
        isinstance(node, i18n.TranslateNode)
        and not node.noop
        and _constant(node.filter_expression)
        and _constant(node.message_context)
    ):
        return ConstantTranslateNode(node)
    return node


def install() -> None:
    """Make :func:`do_translate` the ``translate`` and ``trans`` tags of Django's ``i18n``
    library (idempotent)."""
    i18n.register.tag("translate", do_translate)
    i18n.register.tag("trans", do_translate)
