# mypy: ignore-errors
"""Contains endpoint functions for accessing the API"""
