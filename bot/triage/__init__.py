"""Triage stage: what a buyer message is about, in which language, how urgent."""
