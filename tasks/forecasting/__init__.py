"""Forecasting: the catalog (filled in by the forecasting family)."""
