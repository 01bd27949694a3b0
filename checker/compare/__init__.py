"""Comparing: pairing page rows with registry entries, and the page and registry at a base
revision against the head."""
