"""shopbot: an after-sales copilot for TikTok Shop sellers."""

__version__ = "0.1.0"
