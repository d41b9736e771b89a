"""Server-rendered pages (Jinja2): what members and the public see."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter()
