"""Telephone area codes of the cities the company may serve.

A resident who gives a landline without its area code (家里座机6234 5678) means a number in the
company's own city; the ticket keeps it with that code (010-62345678), so the fitter or agent
who calls from a mobile reaches it.
"""

from __future__ import annotations

__all__ = ["area_code_of"]

#: City (as the policy names it, `Policy.city`) → area code.
AREA_CODES = {
    "北京": "010",
    "天津": "022",
    "上海": "021",
    "重庆": "023",
    "石家庄": "0311",
    "保定": "0312",
    "唐山": "0315",
    "廊坊": "0316",
    "太原": "0351",
    "呼和浩特": "0471",
    "沈阳": "024",
    "大连": "0411",
    "长春": "0431",
    "哈尔滨": "0451",
    "济南": "0531",
    "青岛": "0532",
    "郑州": "0371",
    "西安": "029",
    "兰州": "0931",
    "西宁": "0971",
    "银川": "0951",
    "乌鲁木齐": "0991",
}


def area_code_of(city: str) -> str | None:
    """The area code of `city` (北京 or 北京市), or None for a city not listed."""
    return AREA_CODES.get(city.removesuffix("市"))
