"""Connections to commerce platforms (the edges where shopbot meets real traffic)."""
