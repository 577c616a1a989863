"""TikTok Shop Open API: request signing, webhook verification, API client and a local simulator."""
