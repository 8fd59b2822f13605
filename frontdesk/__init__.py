"""frontdesk — reception-desk software for a real-estate sales office (售楼处)."""

__version__ = "0.1.0"
