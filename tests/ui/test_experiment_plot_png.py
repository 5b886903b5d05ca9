"""`leadersim experiment ... --plot out.png` writes a real picture through the Qt launcher."""

from pathlib import Path

from PySide6.QtGui import QImage

from simulator.cli import main
from ui.launcher import frontends


def test_experiment_plot_as_png_opens_and_shows_curves(tmp_path: Path, qapp) -> None:
    out = tmp_path / "plot.png"
    status = main(["experiment", "election-time", "--ranges", "150-155,150-300", "--trials", "30",
                   "--workers", "1", "--plot", str(out)], frontends())
    assert status == 0
    image = QImage(str(out))
    assert not image.isNull() and image.width() == 1600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 8, "the plot looks blank"


def test_a_png_plot_to_an_unwritable_place_is_refused_before_the_run(tmp_path: Path,
                                                                      capsys) -> None:
    status = main(["experiment", "election-time", "--trials", "5",
                   "--plot", str(tmp_path / "missing" / "plot.png")], frontends())
    assert status == 2
    assert "plot.png" in capsys.readouterr().err
