# mypy: ignore-errors
"""Contains methods for accessing the API"""
