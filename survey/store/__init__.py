"""The data layer: the only place that speaks SQL to the database."""
