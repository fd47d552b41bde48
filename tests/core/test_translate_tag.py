"""{% translate %} of a constant message is looked up once per language and escaping mode
(core/templatetags/translations.py); everything else is translated on each render as
Django does."""

from django.template import Context, Engine, engines
from django.utils import translation

from core.templatetags.translations import ConstantTranslateNode


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


def test_as_variable_context_and_escaping_render_as_django_renders_them():
    django_engine = Engine(libraries={"i18n": "django.templatetags.i18n"})  # Django's own
    for source in [
        '{% translate "整改跟踪" as title %}<{{ title }}>',
        '{% translate "a < b" %}',
        '{% autoescape off %}{% translate "a < b" %}{% endautoescape %}',
        '{% translate "May" context "month name" %}',
        '{% translate "100%% 完成" %}',
    ]:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                expected = django_engine.from_string("{% load i18n %}" + source).render(Context({}))
            assert render(source, language) == expected, source


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
