"""The pages of the web app, one blueprint per menu entry."""
