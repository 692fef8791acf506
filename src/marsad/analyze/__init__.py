"""Analysis: entities, quotes, numeric claims and dates resolved to the calendar."""
