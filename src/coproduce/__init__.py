"""Coproduce: co-production in health and social care, as equals."""

__version__ = "0.1.0"
