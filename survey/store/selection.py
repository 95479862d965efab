"""Which firms' submitted assessments an export or a dashboard view holds: the filter both read."""

from __future__ import annotations

from typing import NamedTuple


class ExportFilter(NamedTuple):
    """Which firms' assessments an export, or a view of the dashboard, holds; None: any."""

    sector: str | None = None
    size: str | None = None
    region: str | None = None
    period: str | None = None
    programme_id: int | None = None
    include_demo: bool = False
