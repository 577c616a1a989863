"""Routing stage: who must approve what (authority matrix), and where a draft goes next."""
