"""Data-preparation jobs of the full profile: whole data sets made ready for a lesson (JHMDB, OTX)."""
