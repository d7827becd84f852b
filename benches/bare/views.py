"""One template view whose page is about as large as the page it is compared with.

BENCH_BARE_BYTES (set by the harness to the size of our page) picks how many list rows to render;
the size is calibrated once per process by rendering the template with 0 and 10 rows.
"""

import functools
import os

from django.template.loader import render_to_string
from django.views.generic import TemplateView


def _rows(n: int) -> list[dict]:
    return [
        {
            "url": f"/services/{i}/",
            "title": f"便民服务事项 {i}",
            "text": "在村服务站即可办理，携带身份证原件，当场受理，三个工作日内办结。",
        }
        for i in range(n)
    ]


@functools.cache
def rows_for_target() -> list[dict]:
    target = int(os.environ.get("BENCH_BARE_BYTES", "8000"))
    empty = len(render_to_string("bare/page.html", {"rows": []}).encode())
    ten = len(render_to_string("bare/page.html", {"rows": _rows(10)}).encode())
    per_row = max(1, (ten - empty) / 10)
    return _rows(max(0, round((target - empty) / per_row)))


class PageView(TemplateView):
    template_name = "bare/page.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=rows_for_target(), **kwargs)
