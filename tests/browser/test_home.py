import pytest

from .conftest import assert_no_axe_violations


@pytest.mark.django_db(transaction=True)
def test_home_page_is_accessible(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Coproduce"
    assert_no_axe_violations(page, "home page")
