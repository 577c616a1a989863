"""Offline evaluation suites: datasets (with held-out splits) and the runners behind `shopbot eval`."""
