"""A CJK font is found without system packages, and Chinese text renders with no missing glyph."""
from __future__ import annotations

import io
import warnings
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from govstats import charts

DEJAVU = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
# Labels of the official table 三 (t3), as printed in the reference report
LABELS = ["本机关不掌握相关政府信息", "（一）予以公开", "（七）总计", "周口市人民政府办公室"]


def _render(text: str) -> tuple[np.ndarray, list[str]]:
    """Pixels of `text` drawn alone, and the warnings drawing it raised."""
    fig = Figure(figsize=(4, 0.6), dpi=60)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.02, 0.3, text, fontsize=16)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].copy(), [str(w.message) for w in caught]


@pytest.fixture
def no_env_font(monkeypatch):
    monkeypatch.delenv(charts.style.ENV_VAR, raising=False)


def test_the_packaged_noto_sans_sc_is_found_first(no_env_font):
    import pylopdf_fonts_zh_cn

    path = charts.style.find_cjk_font()
    assert path == Path(pylopdf_fonts_zh_cn.sans_path())
    assert path.name == "NotoSansSC-Regular.otf"
    assert charts.style.covers(path, "".join(LABELS))


def test_dejavu_has_no_han_characters():
    assert charts.style.covers(DEJAVU, "Total 123")
    assert not charts.style.covers(DEJAVU, "本")


def test_environment_variable_overrides_and_is_checked(monkeypatch, tmp_path):
    monkeypatch.setenv(charts.style.ENV_VAR, str(DEJAVU))
    with pytest.raises(ValueError, match="DejaVuSans.ttf: this font has no glyphs for Chinese"):
        charts.style.find_cjk_font()
    monkeypatch.setenv(charts.style.ENV_VAR, str(tmp_path / "missing.otf"))
    with pytest.raises(FileNotFoundError, match=r"missing.otf: CJK font file not found \(from \$GOVSTATS_CJK_FONT\)"):
        charts.style.find_cjk_font()
    copy = tmp_path / "MyCJK.otf"
    copy.write_bytes(Path(charts.style.packaged_font()).read_bytes())
    monkeypatch.setenv(charts.style.ENV_VAR, str(copy))
    assert charts.style.find_cjk_font() == copy
    with pytest.raises(ValueError, match="DejaVuSans.ttf"):  # an argument comes before the variable
        charts.style.find_cjk_font(DEJAVU)


def test_without_the_font_chinese_draws_as_missing_glyphs():
    """The detector the chart tests rely on: DejaVu alone warns for every Han character."""
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        _, caught = _render(LABELS[0])
    assert len([m for m in caught if "missing from font(s) DejaVu Sans" in m]) == len(LABELS[0])


def test_with_the_font_every_label_renders_as_distinct_glyphs(no_env_font):
    with mpl.rc_context():
        assert charts.style.use_cjk_font() == "Noto Sans SC"
        assert list(mpl.rcParams["font.family"]) == ["DejaVu Sans", "Noto Sans SC"]
        images = {}
        for ch in "本机关不掌握":
            pixels, caught = _render(ch)
            assert caught == []
            assert (pixels < 128).sum() > 20  # ink on the canvas
            images[ch] = pixels.tobytes()
        # tofu boxes would all look the same; real glyphs differ
        assert len(set(images.values())) == 6
        for label in LABELS:
            assert _render(label)[1] == []
        fig = Figure()
        fig.suptitle(LABELS[0] + " − 1,267")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for fmt in ("png", "svg", "pdf"):
                fig.savefig(io.BytesIO(), format=fmt)
