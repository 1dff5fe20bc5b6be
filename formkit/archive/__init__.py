"""Sealed yearly archive: manifest of SHA-256 sums, verification, retention and disposal."""
