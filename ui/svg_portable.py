"""Make Qt's SVG output look in browsers and librsvg as Qt draws it (the PNG export).

Qt's QSvgGenerator writes three things other renderers draw differently:

- ``font-family="Sans Serif"``: a Qt alias no browser knows (Chromium falls back to a serif
  face). Every font is given a real family with fallbacks ending in ``sans-serif``.
- Cosmetic pens as ``vector-effect="non-scaling-stroke"`` inside groups scaled by large
  factors (pyqtgraph draws in data coordinates): librsvg ignores that attribute and strokes a
  1 px grid line 70 px wide. Such groups get their scale baked into the shapes' coordinates, so
  the stroke is in pixels with or without the attribute.
- Pattern brushes (hatching) as 8-unit tiles in the group's user space: scaled with the group,
  a hatch turns into a blur or a solid fill. Fills by a known hatch (``hatches``: colour ->
  "diagonal" or "cross") get a pattern of 1 px lines 8 px apart in picture pixels, as Qt draws
  them on a raster picture.

- Clipping: Qt writes no clip paths, so what a plot clips to its area (grid and lane lines
  drawn far past the visible range) runs across the whole picture. Groups drawn in the plot's
  coordinates (``Clip.matrix``) are clipped to its area (``Clip.area``) again.

This module is plain XML work (no Qt), shared by the canvas and timeline exports.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
FONT_STACK = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif"
"""DejaVu Sans is the face the window and the PNG pictures use; the rest are look-alikes."""
HATCH_PITCH = 8
"""Qt's hatch brushes repeat every 8 device pixels."""
_SHAPES = {"path", "rect", "polyline", "polygon", "line", "circle", "ellipse"}
_MATRIX = re.compile(r"matrix\(([^)]*)\)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_QT_PATTERN = re.compile(r"url\(#fillpattern\d+_([0-9a-fA-F]{6})\)")


@dataclass(frozen=True, slots=True)
class Clip:
    """Groups whose transform is ``matrix`` (sx, sy, tx, ty: a plot's data to picture pixels)
    are clipped to ``area`` (x, y, width, height in picture pixels)."""

    matrix: tuple[float, float, float, float]
    area: tuple[float, float, float, float]

    def matches(self, matrix: tuple[float, float, float, float]) -> bool:
        """True when ``matrix`` is this one, up to the SVG's rounding."""
        return all(abs(a - b) <= 1e-3 * max(1.0, abs(b)) for a, b in zip(matrix, self.matrix,
                                                                          strict=True))


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def portable_svg(data: bytes, hatches: Mapping[str, str] | None = None,
                 clip: Clip | None = None) -> bytes:
    """``data`` (an SVG from QSvgGenerator) rewritten to render alike everywhere (see above).

    ``hatches`` maps a fill colour ("#rrggbb", lower case) to its hatch, "diagonal" or "cross";
    ``clip`` clips a plot's groups to its area.
    """
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(data)
    for element in root.iter():
        if "font-family" in element.attrib:
            element.set("font-family", FONT_STACK)
    clipped = False
    for group in root.iter(f"{{{SVG_NS}}}g"):
        matrix = _matrix(group)
        if clip is not None and matrix is not None and clip.matches(matrix):
            group.set("clip-path", "url(#plot-area)")
            clipped = True
        _bake(group)
    if clip is not None and clipped:
        x, y, w, h = clip.area
        path = ET.SubElement(_defs(root), f"{{{SVG_NS}}}clipPath",
                             {"id": "plot-area", "clipPathUnits": "userSpaceOnUse"})
        ET.SubElement(path, f"{{{SVG_NS}}}rect", {"x": _num(x), "y": _num(y),
                                                  "width": _num(w), "height": _num(h)})
    _hatch(root, {colour.lower(): kind for colour, kind in (hatches or {}).items()})
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + body + "\n").encode()


def _matrix(group: ET.Element) -> tuple[float, float, float, float] | None:
    """(sx, sy, tx, ty) of a group's scale-and-move transform (None: none or another kind)."""
    match = _MATRIX.fullmatch(group.get("transform", "").strip())
    if match is None:
        return None
    values = [float(v) for v in _NUMBER.findall(match.group(1))]
    if len(values) != 6 or values[1] != 0.0 or values[2] != 0.0:
        return None
    return values[0], values[3], values[4], values[5]


def _bake(group: ET.Element) -> None:
    """Move a scaled group's transform into its shapes (when every child can take it)."""
    matrix = _matrix(group)
    if matrix is None:
        return
    sx, sy, tx, ty = matrix
    if (sx, sy) == (1.0, 1.0):
        return
    children = list(group)
    if any(_tag(child) not in _SHAPES for child in children):
        return  # text and nested groups keep the transform
    strokes = group.get("stroke", "none") != "none"
    scaling = [c for c in children if c.get("vector-effect") != "non-scaling-stroke"]
    if strokes and scaling and abs(abs(sx) - abs(sy)) > 1e-6 * max(abs(sx), abs(sy)):
        return  # a stroke scaled unevenly cannot be written without the transform
    baked = [_baked_shape(child, sx, sy, tx, ty) for child in children]
    if any(shape is None for shape in baked):
        return
    for child, attributes in zip(children, baked, strict=True):
        assert attributes is not None
        for name, value in attributes.items():
            child.set(name, value)
        child.attrib.pop("vector-effect", None)
    if strokes and scaling:
        width = float(group.get("stroke-width", "1")) * abs(sx)
        group.set("stroke-width", _num(width))
    group.set("transform", "matrix(1,0,0,1,0,0)")


def _baked_shape(shape: ET.Element, sx: float, sy: float, tx: float,
                 ty: float) -> dict[str, str] | None:
    """The new geometry attributes of ``shape`` under the transform (None: cannot)."""
    kind = _tag(shape)
    if kind == "path":
        d = _baked_path(shape.get("d", ""), sx, sy, tx, ty)
        return None if d is None else {"d": d}
    if kind == "rect":
        x, y = float(shape.get("x", "0")), float(shape.get("y", "0"))
        w, h = float(shape.get("width", "0")), float(shape.get("height", "0"))
        left, right = sorted((sx * x + tx, sx * (x + w) + tx))
        top, bottom = sorted((sy * y + ty, sy * (y + h) + ty))
        if shape.get("rx") or shape.get("ry"):
            return None
        return {"x": _num(left), "y": _num(top), "width": _num(right - left),
                "height": _num(bottom - top)}
    if kind in ("polyline", "polygon"):
        values = [float(v) for v in _NUMBER.findall(shape.get("points", ""))]
        if len(values) % 2:
            return None
        points = " ".join(f"{_num(sx * values[i] + tx)},{_num(sy * values[i + 1] + ty)}"
                          for i in range(0, len(values), 2))
        return {"points": points}
    if kind == "line":
        return {"x1": _num(sx * float(shape.get("x1", "0")) + tx),
                "y1": _num(sy * float(shape.get("y1", "0")) + ty),
                "x2": _num(sx * float(shape.get("x2", "0")) + tx),
                "y2": _num(sy * float(shape.get("y2", "0")) + ty)}
    return None  # circles and ellipses under an uneven scale: leave the group as it is


def _baked_path(d: str, sx: float, sy: float, tx: float, ty: float) -> str | None:
    """Path data with absolute M, L, C, Q, S, T, H, V and Z commands transformed."""
    tokens = _TOKEN.findall(d)
    out: list[str] = []
    command = ""
    axis = 0  # 0: the next number is an x, 1: a y
    for token in tokens:
        if token.isalpha():
            if token not in "MLCQSTHVZ":
                return None  # relative commands and arcs: not written by Qt's generator
            command = token
            out.append(token)
            axis = 1 if command == "V" else 0
            continue
        value = float(token)
        if command == "H" or (command != "V" and axis == 0):
            out.append(_num(sx * value + tx))
            axis = 1 if command != "H" else 0
        else:
            out.append(_num(sy * value + ty))
            axis = 0 if command != "V" else 1
    return " ".join(out)


def _hatch(root: ET.Element, hatches: Mapping[str, str]) -> None:
    """Replace Qt's hatch tiles of a known colour with patterns in picture pixels."""
    if not hatches:
        return
    used: dict[str, str] = {}
    for element in root.iter():
        match = _QT_PATTERN.fullmatch(element.get("fill", ""))
        if match is None:
            continue
        colour = "#" + match.group(1).lower()
        kind = hatches.get(colour)
        if kind is None:
            continue
        pattern_id = f"hatch-{kind}-{colour[1:]}"
        used[pattern_id] = _pattern_path(kind)
        element.set("fill", f"url(#{pattern_id})")
        element.set("data-hatch", kind)
        used.setdefault(pattern_id + "#colour", colour)
    defs = _defs(root)
    for pattern_id, path in sorted(used.items()):
        if pattern_id.endswith("#colour"):
            continue
        pattern = ET.SubElement(defs, f"{{{SVG_NS}}}pattern", {
            "id": pattern_id, "patternUnits": "userSpaceOnUse", "x": "0", "y": "0",
            "width": str(HATCH_PITCH), "height": str(HATCH_PITCH)})
        ET.SubElement(pattern, f"{{{SVG_NS}}}path", {
            "d": path, "fill": "none", "stroke": used[pattern_id + "#colour"],
            "stroke-width": "1", "stroke-linecap": "square", "shape-rendering": "crispEdges"})


def _defs(root: ET.Element) -> ET.Element:
    """The picture's <defs> (made when missing)."""
    defs = root.find(f"{{{SVG_NS}}}defs")
    if defs is None:
        defs = ET.Element(f"{{{SVG_NS}}}defs")
        root.insert(0, defs)
    return defs


def _pattern_path(kind: str) -> str:
    """One tile of the hatch: rising diagonal lines, or a grid of crossing lines."""
    p = HATCH_PITCH
    if kind == "cross":
        return f"M0,0.5 H{p} M0.5,0 V{p}"
    return f"M-1,{p + 1} L{p + 1},-1 M-1,1 L1,-1 M{p - 1},{p + 1} L{p + 1},{p - 1}"
