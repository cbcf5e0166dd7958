import pytest
from django.urls import reverse

from .conftest import code_words

pytestmark = pytest.mark.django_db


def test_every_member_page_renders(client, coordinator, project, source, codes):
    code_words(source, codes["waiting"], coordinator, "Nobody picked up for forty minutes")
    client.force_login(coordinator)
    pid = project.pk
    urls = [
        reverse("sensemaking:overview", args=[pid]),
        reverse("sensemaking:upload", args=[pid]),
        reverse("sensemaking:source", args=[pid, source.pk]),
        reverse("sensemaking:code_source", args=[pid, source.pk]),
        reverse("sensemaking:consent", args=[pid, source.pk]),
        reverse("sensemaking:speakers", args=[pid, source.pk]),
        reverse("sensemaking:narrator", args=[pid, source.pk]),
        reverse("sensemaking:withdraw", args=[pid, source.pk]),
        reverse("sensemaking:codebook", args=[pid]),
        reverse("sensemaking:code", args=[pid, codes["waiting"].pk]),
        reverse("sensemaking:themes", args=[pid]),
        reverse("sensemaking:register", args=[pid]),
        reverse("sensemaking:flags", args=[pid]),
        reverse("sensemaking:exchange", args=[pid]),
        reverse("sensemaking:my_words"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
