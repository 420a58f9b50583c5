"""docs/security.md's example app, written to disk from the doc's code blocks and served."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from security_helpers import call
from eggfast import Application
from eggfast.logger import close_loggers

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def write_example(base: Path) -> None:
    blocks = re.findall(r"```python\n# ([\w/.]+\.py)\n(.*?)```", DOC.read_text(), re.S)
    assert {path for path, _ in blocks} == {"app/router.py", "app/controller/home.py", "config/config.default.py"}
    for path, source in blocks:
        target = base / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)


async def test_docs_example_runs(tmp_path, context_twin):
    base = tmp_path / "docsapp"
    write_example(base)
    app = Application(base_dir=base, env="unittest", context_twin=context_twin,
                      config={"logger": {"dir": str(tmp_path / "logs"), "console": False}})
    try:
        page = await call(app, "GET", "/")
        assert page.status == 200 and page.header("x-frame-options") == "SAMEORIGIN"
        secret = re.search(r"csrfToken=([0-9a-f]+); path=/; samesite=Lax$", page.header("set-cookie")).group(1)
        token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
        form = {"cookie": f"csrfToken={secret}", "content-type": "application/x-www-form-urlencoded"}
        ok = await call(app, "POST", "/comment", headers=form,
                        body=f"_csrf={token}&text=<b>hi</b><script>x</script>".encode())
        assert (ok.status, json.loads(ok.body)) == (200, {"saved": "<b>hi</b>"})
        refused = await call(app, "POST", "/comment", headers=form, body=b"text=hi")
        assert refused.status == 403
        assert refused.text == ("missing csrf token: none in header x-csrf-token, query _csrf or body _csrf. Fix: "
                                "send ctx.csrf in header x-csrf-token, query _csrf or body _csrf, or skip the check "
                                "for this path with security.csrf.ignore.")
        for target, location in [("//evil.com", "/"), ("https://shop.example.com/cart", "https://shop.example.com/cart"),
                                 ("https://evil.com/", "/")]:
            res = await call(app, "GET", "/login-done?next=" + quote(target, safe=""), headers={"cookie": f"csrfToken={secret}"})
            assert res.status == 302 and res.header("location") == location
            assert secret not in res.header("set-cookie")  # rotated
    finally:
        close_loggers(app)


def test_the_documented_defaults_are_the_defaults():
    from eggfast.defaults import CONFIG, KOA

    block = re.search(r"## Every key and its default\n\n```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(block, namespace)
    documented = namespace["config"]
    assert documented["proxy"] == KOA["proxy"] and documented["trusted_proxies"] == KOA["trusted_proxies"]
    assert documented["security"] == CONFIG["security"]
