from django import template

from ..charts import bar_chart_svg

register = template.Library()


@register.simple_tag
def bar_chart(rows, title: str, key):
    """``{% bar_chart rows title key %}``: see outcomes.charts.bar_chart_svg; ``key`` makes ids unique."""
    return bar_chart_svg(rows, title=title, chart_id=f"chart-{key}")
