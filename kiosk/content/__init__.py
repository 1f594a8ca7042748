"""The deck: its file format, loading, checking and the model it becomes. No pygame."""
