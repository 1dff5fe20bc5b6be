"""formkit: the paper side of ISO 9001 procedure QT.SCT.05, end to end."""

__version__ = "0.1.0"
