"""Chinese tier and role names need a CJK font; Debian's fonts-wqy-microhei or fonts-noto-cjk serve."""

from __future__ import annotations

from pathlib import Path

CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def use_cjk_font() -> bool:
    """Make the first installed CJK font matplotlib's sans-serif; False when none is installed."""
    from matplotlib import font_manager, rcParams

    for path in CJK_FONTS:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            rcParams["font.sans-serif"] = [font_manager.FontProperties(fname=path).get_name(), "DejaVu Sans"]
            return True
    return False
