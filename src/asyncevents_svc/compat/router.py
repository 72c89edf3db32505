"""Magento-compatible ``/V1`` routes (filled in below)."""

from __future__ import annotations

from fastapi import APIRouter

routers: list[APIRouter] = []
