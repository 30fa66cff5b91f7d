"""Qt item models that adapt immutable snapshots of the plan for the views."""
