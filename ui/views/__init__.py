"""Widgets that show the item models: tables, toolbars, delegates."""
