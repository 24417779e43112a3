"""Pages in headless Chromium with the network off: screenshots, and how wide a page lays out.

The network is off through the host resolver (every name fails) and a proxy on a closed local
port (an address typed as a number goes nowhere either), so a page that needs anything from
outside shows it.  ``python tests/browser.py OUT_DIR PAGE…`` writes a screenshot of each page at
1366×768 and 1920×1080 (the names are printed).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
         "--proxy-bypass-list=<-loopback>"]
SIZES = ((1366, 768), (1920, 1080))
#: run in the page after it has loaded: the page's width against the window's, and the widest
#: elements that stick out of the window (a table that does not scroll inside its box)
PROBE = """<script>
window.addEventListener("load", () => {
  const doc = document.documentElement, out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > doc.clientWidth + 1 && !el.closest(".govstats-box"))
      out.push(el.tagName + "." + el.className + " " + Math.round(r.right));
  }
  document.title = "PROBE" + JSON.stringify({scroll: doc.scrollWidth, client: doc.clientWidth,
                                             wide: out.slice(0, 5)});
});
</script>"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _run(args: list[str], profile: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


def screenshot(page: Path, out: Path, width: int, height: int) -> Path:
    """A PNG of the top of `page` in a window of `width`×`height`, network off."""
    with tempfile.TemporaryDirectory() as profile:
        _run([f"--window-size={width},{height}", f"--screenshot={out}", page.resolve().as_uri()], profile)
    if not out.is_file():
        raise RuntimeError(f"chromium wrote no screenshot of {page}")
    return out


def layout(page: Path, width: int, height: int) -> dict:
    """How `page` lays out in a window of `width`×`height`: `scroll` (the page's width), `client`
    (the window's) and `wide` (elements sticking out, outside a table's scroll box)."""
    probe = page.with_name(f".probe-{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    try:
        with tempfile.TemporaryDirectory() as profile:
            dom = _run([f"--window-size={width},{height}", "--virtual-time-budget=5000", "--dump-dom",
                        probe.resolve().as_uri()], profile).stdout
    finally:
        probe.unlink()
    found = re.search(r"<title>PROBE(.*?)</title>", dom, re.S)
    if not found:
        raise RuntimeError(f"the probe did not run in {page}")
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


if __name__ == "__main__":
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[2:]:
        page = Path(name)
        stem = re.sub(r"\W+", "_", "_".join(page.resolve().parts[-3:])).strip("_")
        for w, h in SIZES:
            shot = screenshot(page, out_dir / f"{stem}_{w}x{h}.png", w, h)
            print(shot, layout(page, w, h))
