from django.template import Context, Template


def test_a_wide_tables_box_is_a_named_region_that_the_keyboard_can_reach_and_scroll():
    html = Template(
        "{% load risorsa %}{% scroll_region label %}<table><tr><td>1</td></tr></table>{% endscroll_region %}"
    ).render(Context({"label": 'Fatture <"aperte">'}))

    assert html == (
        '<div class="table-responsive" tabindex="0" role="region" '
        'aria-label="Fatture &lt;&quot;aperte&quot;&gt;">'
        "<table><tr><td>1</td></tr></table></div>"
    )
