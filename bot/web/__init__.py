"""The web UI served by the app: server-rendered pages, no build step, English and Chinese."""
