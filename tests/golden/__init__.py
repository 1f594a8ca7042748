"""Golden images of a few screens, and the code that compares a render with them."""
