"""The widgets the main screen is made of."""
