"""The demo's tasks as live steps (moves into the demo command's package once it lands)."""
