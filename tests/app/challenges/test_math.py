"""Statement pages load the local KaTeX bundle; the bundle and its fonts are served from here."""

from __future__ import annotations

import re

from tests.factories import make_challenge, make_user


def test_statement_pages_load_the_math_module_and_stylesheet(client, auth):
    challenge = make_challenge(statement_md="Let $a^2+b^2$ be\n\n$$\nc^2\n$$\n")
    auth.login(make_user().email)
    for url in (f"/challenges/{challenge.slug}", f"/solve/{challenge.slug}"):
        html = client.get(url).get_data(as_text=True)
        assert '<span class="math inline">a^2+b^2</span>' in html
        assert '<div class="math block">' in html
        assert re.search(r"<(article|div) class=\"statement[^\"]*\" data-math>", html)
        assert 'href="/static/build/math.css"' in html
        assert '<script type="module" src="/static/js/statement.js"></script>' in html
        assert "https://" not in html and "//cdn" not in html


def test_katex_bundle_and_its_fonts_are_served_locally(client):
    stylesheet = client.get("/static/build/math.css")
    assert stylesheet.status_code == 200
    css = stylesheet.get_data(as_text=True)
    fonts = re.findall(r"url\(\"?\./(fonts/KaTeX_[\w-]+\.woff2)\"?\)", css)
    assert len(fonts) >= 15
    for font in fonts:
        assert client.get(f"/static/build/{font}").status_code == 200, font
    assert client.get("/static/build/math.js").status_code == 200
    module = client.get("/static/js/statement.js").get_data(as_text=True)
    assert 'from "../build/math.js"' in module


def test_prices_stay_text_and_formulas_become_math():
    from app.challenges.render import render_markdown

    assert "math" not in str(render_markdown("It costs $5 and $6 today."))
    html = str(render_markdown("Area $a^2+b^2$.\n\n$$\nx^2\n$$"))
    assert '<span class="math inline">a^2+b^2</span>' in html
    assert '<div class="math block">' in html
