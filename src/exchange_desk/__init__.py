"""Exchange Desk: the desktop program of a city's international exchange office."""

__version__ = "0.1.0"
