"""Exported SVG looks like the PNG in browsers and librsvg: a real font family with a sans-serif
fallback, hatches kept as patterns in picture pixels, cosmetic strokes that stay thin."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from ui.svg_portable import FONT_STACK, SVG_NS, Clip, portable_svg
from ui.timeline import render_timeline

NS = {"svg": SVG_NS}


def _scaled_group_svg() -> bytes:
    return (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
            b'<defs><pattern id="fillpattern7_f5b800" width="8" height="8"/></defs>'
            b'<g stroke="#e3e3e3" stroke-width="1" fill="none" '
            b'transform="matrix(20,0,0,50,10,5)" font-family="Sans Serif">'
            b'<path vector-effect="non-scaling-stroke" d="M0,1 L4,1 C1,2 3,2.5 4,1e-1 Z"/>'
            b'<rect vector-effect="non-scaling-stroke" x="1" y="0.5" width="2" '
            b'height="-0.25"/></g>'
            b'<g fill="url(#fillpattern7_f5b800)" transform="matrix(1,0,0,1,0,0)">'
            b'<rect x="0" y="0" width="10" height="10"/></g>'
            b'<text font-family="Sans Serif" x="1" y="1">n1</text></svg>')


def test_scaled_cosmetic_strokes_are_baked_and_fonts_get_a_real_family() -> None:
    root = ET.fromstring(portable_svg(_scaled_group_svg(), {"#F5B800": "cross"},
                                      Clip((20.0, 50.0, 10.0, 5.0), (0, 0, 60, 60))))
    group = root.find("svg:g", NS)
    assert group.get("transform") == "matrix(1,0,0,1,0,0)"
    assert group.get("clip-path") == "url(#plot-area)"
    path, rect = list(group)
    assert path.get("d") == "M 10 55 L 90 55 C 30 105 70 130 90 10 Z"
    assert "vector-effect" not in path.attrib and group.get("stroke-width") == "1"
    assert (rect.get("x"), rect.get("y"), rect.get("width"), rect.get("height")) == \
        ("30", "17.5", "40", "12.5")
    fonts = {e.get("font-family") for e in root.iter() if e.get("font-family")}
    assert fonts == {FONT_STACK} and FONT_STACK.endswith("sans-serif")
    hatched = root.find("svg:g[@data-hatch]", NS)
    assert hatched.get("fill") == "url(#hatch-cross-f5b800)"
    pattern = root.find(".//svg:pattern[@id='hatch-cross-f5b800']", NS)
    assert pattern.get("patternUnits") == "userSpaceOnUse" and pattern.get("width") == "8"


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """The pause lesson's timeline to 40 s (paused, lease past expiry) as PNG and SVG."""
    scenario = find_scenario("pause-double-charge")
    simulation = Simulation(scenario, scenario.seed)
    simulation.run_until(40.0)
    events = list(simulation.trace.events)
    folder = tmp_path_factory.mktemp("svg")
    png, svg = folder / "timeline.png", folder / "timeline.svg"
    render_timeline(events, scenario, png, width=1200)
    render_timeline(events, scenario, svg, width=1200)
    return png, svg


def test_the_timeline_svg_keeps_fonts_and_hatches(qapp, pictures) -> None:  # type: ignore[no-untyped-def]
    _png, svg = pictures
    text = svg.read_text(encoding="utf-8")
    assert "Sans Serif" not in text
    root = ET.fromstring(text)
    fonts = {e.get("font-family") for e in root.iter() if e.get("font-family")}
    assert fonts == {FONT_STACK}
    hatches = {e.get("data-hatch") for e in root.iter() if e.get("data-hatch")}
    assert hatches == {"cross", "diagonal"}, "paused (grid) and lease past expiry (diagonal)"
    scaled = [g for g in root.iter(f"{{{SVG_NS}}}g")
              if g.get("transform", "matrix(1,0,0,1").split(",")[0] != "matrix(1"
              and any(c.get("vector-effect") for c in g)]
    assert scaled == [], "no stroke left to a renderer's support of non-scaling-stroke"


def _difference(png: Path, rendered: Path) -> float:
    """The share of pixels that differ clearly between two pictures of the same size."""
    a = np.asarray(Image.open(png).convert("RGB"), dtype=float)
    b = np.asarray(Image.open(rendered).convert("RGB"), dtype=float)
    height = min(a.shape[0], b.shape[0])
    assert a.shape[1] == b.shape[1] and abs(a.shape[0] - b.shape[0]) <= 12
    return float((np.abs(a[:height] - b[:height]).mean(axis=2) > 60).mean())


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="librsvg2-bin not installed")
def test_librsvg_draws_the_svg_like_the_png(qapp, pictures, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    png, svg = pictures
    out = tmp_path / "rsvg.png"
    subprocess.run(["rsvg-convert", str(svg), "-o", str(out)], check=True, timeout=60)
    assert _difference(png, out) < 0.03


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
def test_chromium_draws_the_svg_like_the_png(qapp, pictures, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    png, svg = pictures
    width, height = Image.open(png).size
    out = tmp_path / "chromium.png"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", f"--window-size={width},{height}",
                    f"--screenshot={out}", svg.as_uri()],
                   check=True, timeout=120, capture_output=True)
    assert _difference(png, out) < 0.03


def test_an_unevenly_scaled_stroke_keeps_its_transform() -> None:
    data = (b'<svg xmlns="http://www.w3.org/2000/svg"><g stroke="#000" stroke-width="1" '
            b'transform="matrix(20,0,0,50,0,0)"><path d="M0,0 L1,1"/></g></svg>')
    group = ET.fromstring(portable_svg(data)).find("svg:g", NS)
    assert group.get("transform") == "matrix(20,0,0,50,0,0)"
    assert group.find("svg:path", NS).get("d") == "M0,0 L1,1"
