"""Retrieval stage: knowledge documents -> token chunks -> Chroma, and hybrid search over them."""
