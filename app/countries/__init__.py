"""Countries."""
