"""The working-day calendar: staff overrides of the built-in holiday arrangement."""
