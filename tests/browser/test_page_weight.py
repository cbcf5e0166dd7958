"""Pages are light: no page transfers more than 200 KB on first load (empty cache)."""

import pytest

from coproduce.demo import ensure_demo_data
from coproduce.events.models import Event

LIMIT_BYTES = 200 * 1024


def _transferred(page, url: str) -> int:
    sizes = []
    page.on("response", lambda response: sizes.append(len(response.body()) if response.ok else 0))
    page.goto(url, wait_until="networkidle")
    return sum(sizes)


@pytest.mark.django_db(transaction=True)
def test_first_load_of_each_public_page_is_under_200_kb(new_page, live_server):
    ensure_demo_data()
    event = Event.objects.filter(is_public=True).order_by("starts_at").first()
    for path in ["/", "/events/", f"/events/{event.pk}/", "/sign-in/", "/accessibility/"]:
        page = new_page()  # a fresh context: nothing cached
        size = _transferred(page, live_server.url + path)
        assert 0 < size < LIMIT_BYTES, f"{path} transferred {size} bytes"
