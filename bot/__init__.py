"""Tandem: accountability partnerships for study servers."""
