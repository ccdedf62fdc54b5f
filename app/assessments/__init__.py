"""Assessments."""
