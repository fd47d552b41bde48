"""{% translate %} of a constant message is looked up once per language and escaping mode
(core/translate_tag.py, installed in Django's i18n library); everything else is translated
on each render as Django does."""

from django.template import Context, Engine, engines
from django.templatetags import i18n
from django.utils import translation

from core.translate_tag import ConstantTranslateNode, install


def render(source: str, language: str, **context: object) -> str:
    template = engines["django"].from_string("{% load i18n %}" + source)
    with translation.override(language):
        return template.render(context)


def test_a_constant_message_follows_the_language_after_its_first_render():
    template = engines["django"].from_string('{% load i18n %}{% translate "整改跟踪" %}')
    node = next(n for n in template.template.nodelist if isinstance(n, ConstantTranslateNode))

    with translation.override("zh-hans"):
        assert template.render({}) == "整改跟踪"
    with translation.override("en"):
        first = template.render({})
        assert template.render({}) == first
    with translation.override("zh-hans"):
        assert template.render({}) == "整改跟踪"

    assert first != "整改跟踪"
    assert set(node.rendered) == {("zh-hans", True), ("en", True)}


def django_rendering(source: str, language: str) -> str:
    """``source`` rendered by Django's own ``{% translate %}`` (put back for the call)."""
    i18n.register.tag("translate", i18n.do_translate)
    i18n.register.tag("trans", i18n.do_translate)
    try:
        template = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(
            "{% load i18n %}" + source
        )
        assert not any(isinstance(n, ConstantTranslateNode) for n in template.nodelist)
        with translation.override(language):
            return template.render(Context({}))
    finally:
        install()


def test_as_variable_context_and_escaping_render_as_django_renders_them():
    for source in [
        '{% translate "整改跟踪" as title %}<{{ title }}>',
        '{% translate "a < b" %}',
        '{% autoescape off %}{% translate "a < b" %}{% endautoescape %}',
        '{% translate "May" context "month name" %}',
        '{% translate "100%% 完成" %}',
        '{% trans "整改跟踪" %}',
    ]:
        for language in ("zh-hans", "en"):
            assert render(source, language) == django_rendering(source, language), source


def test_a_message_from_a_variable_or_with_noop_is_not_kept():
    source = "{% translate message %}|{% translate message noop %}"
    template = engines["django"].from_string("{% load i18n %}" + source)

    assert not any(isinstance(n, ConstantTranslateNode) for n in template.template.nodelist)
    with translation.override("en"):
        assert template.render(Context({"message": "整改跟踪"}).flatten()).split("|")[1] == (
            "整改跟踪"
        )
        assert template.render({"message": "甲"}) == "甲|甲"
        assert template.render({"message": "乙"}) == "乙|乙"
